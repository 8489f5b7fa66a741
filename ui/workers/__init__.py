"""Background work for the desk: jobs wrapping plain core calls, and the runner that owns them."""
