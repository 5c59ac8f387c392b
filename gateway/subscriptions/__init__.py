"""GraphQL over WebSocket on `/graphql`: subscriptions to live events (and queries or mutations, if a client
sends them that way), with strawberry's `graphql-transport-ws` and legacy `graphql-ws` protocol handlers."""

from .view import LiveView, upgrade_or

__all__ = ["LiveView", "upgrade_or"]
