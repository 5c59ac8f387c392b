"""Omnigate's own durable state (holds, idempotency results): SQLite by default, one adapter per database."""
