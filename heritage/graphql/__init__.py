"""The GraphQL API: graphene types, queries, mutations, DataLoaders and limits."""
