"""Omnigate side by side with the floor (direct upstream calls) and a GraphQL Mesh peer: `python -m bench.compare`."""
