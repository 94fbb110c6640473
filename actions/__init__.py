"""Custom actions of the easy-to-read assistant (rasa_sdk). One module per flow."""
