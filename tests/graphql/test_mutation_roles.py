"""Every mutation of records, works and accounts refuses roles below its own, writing nothing,
and accepts its own role (higher roles include the lower ones)."""

from __future__ import annotations

from heritage.graphql.accounts.mutations import AccountMutations
from heritage.graphql.records.mutations import RecordMutations
from heritage.graphql.works.mutations import WorksMutations
from heritage.models.vocab import UserRole
from tests.support.api import Api
from tests.support.graphql import change_count

SITE = '"U2l0ZTo5OTk5"'  # Site:9999, which does not exist
S, P, A = UserRole.SURVEYOR, UserRole.PROTECTION_OFFICER, UserRole.ADMINISTRATOR
VERSIONED = 'id: "%s", version: 1, input: {%s}'
STEP = 'id: "SW50ZXJ2ZW50aW9uOjk5", version: 1, input: {on: "2024-01-01"}'
SURVEY = 'surveyedOn: "2024-01-01", surveyor: "甲", conditionSystem: UI5, conditionGrade: "GOOD"'

# mutation field → (lowest role allowed, arguments)
MUTATIONS: dict[str, tuple[UserRole, str]] = {
    "surveyRecordAdd": (S, f"input: {{objectId: {SITE}, {SURVEY}}}"),
    "surveyRecordUpdate": (S, VERSIONED % ("U3VydmV5UmVjb3JkOjk5", 'notes: "x"')),
    "mappingRecordAdd": (
        S,
        f'input: {{objectId: {SITE}, mappedOn: "2024-01-01", methods: [TLS], depth: BASIC, '
        'organisation: "院"}',
    ),
    "mappingRecordUpdate": (S, VERSIONED % ("TWFwcGluZ1JlY29yZDo5OQ==", 'notes: "x"')),
    "mappingDeliverableAdd": (
        S,
        'mappingRecordId: "TWFwcGluZ1JlY29yZDo5OQ==", input: {deliverableType: REPORT, title: "t"}',
    ),
    "plaqueInstall": (P, f"input: {{objectId: {SITE}, plaqueType: CPU_SIGN}}"),
    "plaqueUpdate": (P, VERSIONED % ("UGxhcXVlOjk5", 'textFront: "x"')),
    "plaqueInspect": (
        P,
        VERSIONED % ("UGxhcXVlOjk5", 'inspectedOn: "2024-01-01", condition: INTACT'),
    ),
    "archiveItemAdd": (S, f'input: {{objectId: {SITE}, section: TECHNICAL_DATA, title: "t"}}'),
    "archiveItemUpdate": (S, VERSIONED % ("QXJjaGl2ZUl0ZW06OTk=", 'title: "x"')),
    "incidentReport": (
        S,
        f"input: {{objectId: {SITE}, incidentType: FIRE, severity: MINOR, "
        'occurredOn: "2024-01-01"}',
    ),
    "incidentUpdate": (P, VERSIONED % ("SW5jaWRlbnQ6OTk=", "status: RESOLVED")),
    "interventionPropose": (
        S,
        f'input: {{objectId: {SITE}, interventionType: MAINTENANCE, title: "t"}}',
    ),
    "interventionUpdate": (S, VERSIONED % ("SW50ZXJ2ZW50aW9uOjk5", 'title: "x"')),
    "interventionApprove": (P, STEP),
    "interventionReject": (P, STEP),
    "interventionStart": (P, STEP),
    "interventionComplete": (P, STEP),
    "interventionAccept": (P, STEP),
    "interventionCancel": (P, STEP),
    "interventionCraftsmanAssign": (
        S,
        'interventionId: "SW50ZXJ2ZW50aW9uOjk5", '
        'input: {craftsmanId: "Q3JhZnRzbWFuOjk5", trade: WAZUO}',
    ),
    "craftsmanRegister": (S, 'input: {name: "王", trades: [WAZUO]}'),
    "craftsmanUpdate": (S, VERSIONED % ("Q3JhZnRzbWFuOjk5", 'notes: "x"')),
    "userCreate": (A, 'input: {username: "new.user", displayName: "新", role: RESEARCHER}'),
    "userUpdate": (A, VERSIONED % ("VXNlcjo5OQ==", 'displayName: "x"')),
    "apiTokenCreate": (A, 'input: {userId: "VXNlcjo5OQ==", name: "t"}'),
    "apiTokenRevoke": (UserRole.RESEARCHER, 'id: "QXBpVG9rZW46OTk="'),
}


def below(role: UserRole) -> list[UserRole | None]:
    """Anonymous callers and every role lower than ``role``."""
    return [None, *[r for r in UserRole if not r.includes(role)]]


def document(name: str, arguments: str) -> str:
    return f"mutation {{ {name}({arguments}) {{ errors {{ field code }} }} }}"


def test_the_table_covers_every_mutation_of_these_domains() -> None:
    fields = [
        name
        for mixin in (RecordMutations, WorksMutations, AccountMutations)
        for name in mixin._meta.fields
    ]
    camel = {"".join(p.title() if i else p for i, p in enumerate(f.split("_"))) for f in fields}

    assert camel == set(MUTATIONS)


async def test_lower_roles_are_refused_and_the_mutations_role_is_let_through(api: Api) -> None:
    before = await change_count(api)
    for name, (role, arguments) in MUTATIONS.items():
        for caller in below(role):
            answer = await api.data(document(name, arguments), role=caller)
            assert answer[name]["errors"] == [{"field": None, "code": "PERMISSION_DENIED"}], (
                name,
                caller,
            )
    assert await change_count(api) == before

    for name, (role, arguments) in MUTATIONS.items():
        answer = await api.data(document(name, arguments), role=role)
        codes = {error["code"] for error in answer[name]["errors"]}
        assert "PERMISSION_DENIED" not in codes, (name, role, answer)
