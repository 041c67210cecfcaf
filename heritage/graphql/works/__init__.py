"""GraphQL: works."""
