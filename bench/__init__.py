"""quizbot's benchmarks: plain scripts that print tables of figures, not tests.

Each module measures one thing against a baseline run in the same process and the same run,
on SQLite and on PostgreSQL, and prints the figures, the ratio and whether the target of
issue #10 is met:

- ``python -m bench.answer_path``   one click through QuizApp.answer vs a bare INSERT + COMMIT
- ``python -m bench.leaderboards``  leaderboards over a seeded 1,000,000-answer history
- ``python -m bench.imports``       GIFT and CSV imports: time and peak memory
- ``python -m bench.channels``      1,000 busy channels with the deadline ticker running
- ``python -m bench.startup``       ``quizbot --help`` and a worker until ready
- ``python -m bench``               all of them (``--quick`` for a smoke run, ``--backend``)

Every run creates its own databases (SQLite files in a temporary folder, PostgreSQL
databases named ``quizbot_bench_<random>`` on ``QUIZBOT_BENCH_POSTGRES``) and drops them at
the end. See docs/PERFORMANCE.md for the figures and how they were made.
"""
