"""GraphQL: accounts."""
