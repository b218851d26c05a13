"""What an import makes of a bank file before the database: checked questions as batches of
rows (:mod:`bot.importing.rows`), made in the importing process or in a second one
(:mod:`bot.importing.parse_process`). Nothing here imports SQLAlchemy, so the parsing
process starts quickly; :mod:`bot.services.importer` writes the batches.
"""
