"""The words and rules every layer shares: vocabulary, settings and paths, translations, periods, filters,
the URL codec and the plain-text guard. Imports nothing else of rightsmap."""
