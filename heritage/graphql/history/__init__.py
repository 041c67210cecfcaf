"""GraphQL: history."""
