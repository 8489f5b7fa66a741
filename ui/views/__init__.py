"""The main views of the desk, one per navigation entry."""
