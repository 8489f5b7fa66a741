"""sync.transport (being built; see STYLE.md for its role)."""
