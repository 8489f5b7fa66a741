"""Thin adapters between the views and the core, one module per noun: catalog, receive, dossier,
sync, session, upkeep. Short reads on the UI thread's connection, shaped for the widgets; every
decision stays in app.services, every long task is a `ui.ops` operation. No view is imported here."""
