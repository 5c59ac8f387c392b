"""Omnigate's own durable state (holds, idempotency results, appointment answers): SQLite by default, one
adapter per database."""
