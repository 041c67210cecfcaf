"""GraphQL: records."""
