"""Request and response bodies of the record service (pydantic 2)."""
