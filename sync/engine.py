"""sync.engine (being built; see STYLE.md for its role)."""
