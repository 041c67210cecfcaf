"""Typed mutation errors: ``field``, ``message`` and a ``code`` from a per-domain enum."""

from __future__ import annotations

from enum import Enum
from typing import Any

import graphene

from heritage.services.errors import ErrorCode as E

_GENERIC = {
    E.INVALID,
    E.REQUIRED,
    E.NOT_FOUND,
    E.STALE_VERSION,
    E.PERMISSION_DENIED,
    E.DATE_IN_FUTURE,
    E.DATE_ORDER,
    E.DUPLICATE,
}
_LOCATION = {
    E.REGION_CODE_FORMAT,
    E.REGION_CODE_UNKNOWN,
    E.REGION_NAME_UNKNOWN,
    E.COORDINATE_OUT_OF_RANGE,
    E.COORDINATE_OUTSIDE_CHINA,
    E.CRS_NOT_CONVERTIBLE,
    E.CRS_UNKNOWN,
}
DOMAIN_CODES: dict[str, set[E]] = {
    "Object": _GENERIC
    | _LOCATION
    | {
        E.DATING_UNPARSEABLE,
        E.DATING_INDETERMINATE,
        E.ERA_RANGE_REVERSED,
        E.ERA_IN_FUTURE,
        E.ERA_YEAR_ZERO,
        E.PERIOD_UNKNOWN,
        E.KIND_MISMATCH,
        E.CONTAINMENT_NOT_ALLOWED,
        E.CONTAINMENT_CYCLE,
        E.STATUS_TRANSITION,
        E.APPROVAL_REQUIRED,
        E.APPROVAL_LEVEL_TOO_LOW,
        E.NATIONAL_SITE_NOT_DEMOLISHABLE,
    },
    "Designation": _GENERIC
    | {
        E.DESIGNATION_TARGET_KIND,
        E.PROTECTION_LEVEL_MISMATCH,
        E.HISTORIC_BUILDING_CONFLICT,
        E.DUPLICATE_ACTIVE_LEVEL,
        E.NATIONAL_CODE_FORMAT,
        E.NATIONAL_CODE_CATEGORY_MISMATCH,
        E.NATIONAL_CODE_TAKEN,
        E.NATIONAL_CODE_MERGED_ITEM,
        E.DOC_NUMBER_FORMAT,
        E.FAMOUS_CITY_NEEDS_BLOCKS,
        E.UPGRADE_NOT_HIGHER,
        E.STATUS_TRANSITION,
    },
    "Survey": _GENERIC | {E.CONDITION_GRADE_UNKNOWN},
    "Mapping": _GENERIC,
    "Plaque": _GENERIC | _LOCATION | {E.PLAQUE_TYPE_NOT_APPLICABLE},
    "Archive": _GENERIC,
    "Works": _GENERIC
    | _LOCATION
    | {
        E.WORKFLOW_TRANSITION,
        E.APPROVAL_REQUIRED,
        E.APPROVAL_LEVEL_TOO_LOW,
        E.FIRM_QUALIFICATION_REQUIRED,
        E.ALTERATION_NEEDS_JOINT_APPROVAL,
    },
    "Incident": _GENERIC,
    "Media": _GENERIC,
    "Account": _GENERIC | {E.USERNAME_TAKEN, E.TOKEN_INVALID, E.LAST_ADMINISTRATOR},
}

_DESCRIPTIONS = {
    "Object": "places and sites",
    "Designation": "designations",
    "Survey": "surveys",
    "Mapping": "mapping records",
    "Plaque": "plaques",
    "Archive": "archive items",
    "Works": "works projects and craftsmen",
    "Incident": "incidents",
    "Media": "media assets",
    "Account": "users and API tokens",
}

_code_enums: dict[str, Any] = {}
_error_types: dict[str, Any] = {}


def register_codes(domain: str, codes: set[E], description: str) -> None:
    """Declare an extra domain (e.g. media) with its codes, before its mutations are built."""
    DOMAIN_CODES[domain] = _GENERIC | codes
    _DESCRIPTIONS[domain] = description


def code_enum(domain: str) -> Any:
    """``<Domain>ErrorCode``: the codes the mutations of ``domain`` can return."""
    if domain not in _code_enums:
        members = {code.value: code.value for code in sorted(DOMAIN_CODES[domain])}
        python_enum = Enum(f"{domain}ErrorCode", members)  # type: ignore[misc]
        summary = f"Why a change to {_DESCRIPTIONS[domain]} was refused."

        def describe(member: Enum | None) -> str:
            return summary if member is None else E(member.value).description

        _code_enums[domain] = graphene.Enum.from_enum(python_enum, description=describe)
    return _code_enums[domain]


def code_in(domain: str, code: E) -> str:
    """``code`` if the domain declares it, else ``INVALID`` (a rule without its own code)."""
    return code.value if code in DOMAIN_CODES[domain] else E.INVALID.value


def error_type(mutation_name: str, domain: str) -> Any:
    """``<Mutation>Error``: one problem with the input of a mutation."""
    name = f"{mutation_name}Error"
    if name not in _error_types:
        _error_types[name] = type(
            name,
            (graphene.ObjectType,),
            {
                "__doc__": f"A problem that stopped {mutation_name}; nothing was written.",
                "field": graphene.String(
                    description="Input field at fault (dotted path, camelCase), if any."
                ),
                "message": graphene.String(required=True, description="What is wrong."),
                "code": graphene.Field(
                    graphene.NonNull(code_enum(domain)), description="Machine-readable code."
                ),
            },
        )
    return _error_types[name]


class RuleWarning(graphene.ObjectType):
    """A rule the change breaks without being refused (it was written)."""

    field = graphene.String(description="Input field concerned, if any.")
    message = graphene.String(required=True, description="What the rule says.")
    code = graphene.String(required=True, description="Machine-readable code of the rule.")
