"""Input channels loaded by the Rasa server itself (credentials.yml names them)."""
