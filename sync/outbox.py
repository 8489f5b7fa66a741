"""sync.outbox (being built; see STYLE.md for its role)."""
