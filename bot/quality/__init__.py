"""Bank quality: static checks of a bank's text (the lint) and item analysis from play.

- :mod:`bot.quality.text`: words, a light stemmer, stop words and absolute words;
- :mod:`bot.quality.option_rules`: the checks on one multiple-choice question;
- :mod:`bot.quality.bank_rules`: the checks across a bank, and on flashcards;
- :mod:`bot.quality.lint`: the rule table, running it, and a bank's quality figures;
- :mod:`bot.quality.items`: item analysis (difficulty, discrimination, option pick rates,
  flags) from answers; :mod:`bot.services.item_stats` reads those answers from the store.

``docs/LINT.md`` documents every rule with a bad and a good example.
"""
