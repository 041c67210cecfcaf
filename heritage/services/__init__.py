"""Use-cases: validate input, apply the domain rules, write, and let the hooks record history.

Services take an ``AsyncSession`` and never commit: the edge (a request, a command) owns the
transaction, so a use-case that fails leaves nothing behind.
"""
