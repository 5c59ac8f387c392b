"""What mutations change, behind ports, with no GraphQL in it: resolvers call these, never a port."""
