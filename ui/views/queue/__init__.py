"""The point's queue on screen: the kiosk, the desk's call bar and the hall display (HTTP in jobs)."""
