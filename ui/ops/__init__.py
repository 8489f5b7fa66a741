"""Qt-free use cases of the desk (plain functions a Job runs)."""
