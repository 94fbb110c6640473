"""The record service: accounts, people and roles, and the system of record (SPEC §3)."""
