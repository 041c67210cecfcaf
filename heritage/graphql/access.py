"""Who may read what. Everything not named here is public (anonymous callers included).

Restricted, wherever the data is reachable (root lists, nested fields, ``node(id:)``):

- incidents: surveyors and above (``READ_INCIDENTS``); elsewhere they read as empty lists,
  as ``null`` through ``node``, and the ``incidents`` list refuses with PERMISSION_DENIED;
- a craftsman's telephone: surveyors and above (``null`` for others);
- the change history: protection officers and above; the history of users and API tokens
  only for administrators, like the users themselves;
- users: administrators, and each user themself (``me``);
- API tokens: administrators, and the token's owner. The secret is never readable: it is
  returned once, by ``apiTokenCreate``.

A record refused through ``node`` reads as ``null``, the same as an unknown ID, so IDs do
not reveal whether a restricted record exists.
"""

from __future__ import annotations

from heritage.graphql.context import RequestContext
from heritage.models.vocab import UserRole
from heritage.services.errors import ErrorCode, ServiceError

READ_INCIDENTS = UserRole.SURVEYOR
READ_CONTACTS = UserRole.SURVEYOR
READ_CHANGES = UserRole.PROTECTION_OFFICER
READ_ACCOUNTS = UserRole.ADMINISTRATOR

# Rows of these tables are account data: their history is shown to administrators only.
ACCOUNT_TABLES = frozenset({"user_account", "api_token"})


def require(context: RequestContext, role: UserRole, what: str) -> None:
    """Refuse a root query the caller's role does not allow, as a PERMISSION_DENIED error."""
    if not context.has_role(role):
        who = context.role.value if context.role else "an anonymous caller"
        raise ServiceError.single(
            None,
            ErrorCode.PERMISSION_DENIED,
            f"{what} needs the {role.value} role; the request comes from {who}",
        )


def may_see_user(context: RequestContext, user_id: int) -> bool:
    """Administrators see every user; others only themselves."""
    if context.has_role(READ_ACCOUNTS):
        return True
    return context.user is not None and context.user.id == user_id


def hidden_change_tables(context: RequestContext) -> frozenset[str]:
    """Tables whose change history the caller may not read (they may read the rest)."""
    return frozenset() if context.has_role(READ_ACCOUNTS) else ACCOUNT_TABLES
