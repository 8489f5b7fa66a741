"""Dialogs: login, lock, dossier actions."""
