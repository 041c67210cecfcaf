"""GraphQL: objects."""
