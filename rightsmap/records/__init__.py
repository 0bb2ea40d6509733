"""Writing the database: the swap-in store, imports, the synthetic sample, backups. Every write ends by
protecting the public table again (rightsmap.disclosure.releases.store)."""
