"""The sourced claim base: claim model, store, search and curated data (see issue #4)."""
