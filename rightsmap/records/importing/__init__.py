"""Import documentation spreadsheets as aggregates: read, validate, coarsen, aggregate, write one batch."""
