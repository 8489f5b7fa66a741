"""sync.protocol (being built; see STYLE.md for its role)."""
