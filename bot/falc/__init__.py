"""FALC (easy-to-read French) linter: `python -m bot.falc check`. See README.md."""
