"""Pure domain of the desk and the hub: records, events, the fold and validation. No I/O."""
