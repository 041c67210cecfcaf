"""GraphQL: designations."""
