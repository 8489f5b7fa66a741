"""Qt item models over the desk store."""
