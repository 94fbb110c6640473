"""The helpline (3422) console: agents see who asked for a person, take over, answer, hand
back (SPEC §5). `api` holds the routes, `agents` the agent identity checked against records."""
