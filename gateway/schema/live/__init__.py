"""Live events as GraphQL subscriptions: what changed, read again through the usual loaders and rules."""
