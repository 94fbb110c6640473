"""HTTP routes of the record service, one module per area."""
