"""The web pages in a real browser: headless Chromium over a real ``quizbot web`` process."""
