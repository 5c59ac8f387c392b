"""The ledger in PostgreSQL, for replicas: the same ports as the SQLite file, race-safe across processes by row and
advisory locks taken inside short transactions."""
