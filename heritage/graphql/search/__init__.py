"""GraphQL: search of places and sites."""
