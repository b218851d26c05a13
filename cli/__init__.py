"""The quizbot command-line application (click): admin commands, play and run."""
