"""Business logic of the record service, one module per responsibility."""
