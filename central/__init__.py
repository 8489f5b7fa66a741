"""Hub package."""
