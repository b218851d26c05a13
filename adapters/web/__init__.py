"""The web pages: read-only leaderboards, game reports, players' progress and banks, reached
by signed links (:mod:`bot.links`) and served by the web process or ``quizbot web``."""
