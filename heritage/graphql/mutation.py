"""The base of every mutation: role check, one transaction, typed errors, rule warnings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar

import graphene
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.graphql.context import ResolveInfo
from heritage.graphql.errors import RuleWarning, code_in, error_type
from heritage.graphql.ids import decode_id
from heritage.graphql.inputs import service_input
from heritage.models.vocab import UserRole
from heritage.services import errors as service_errors
from heritage.services.errors import ErrorCode, Problem, ServiceError
from heritage.services.inputs import Input, parse_input


class RegistryMutation(graphene.Mutation):
    """Subclasses set ``domain`` and ``required_role`` and implement ``perform``.

    ``perform`` runs in a fresh write session with the caller as actor; it returns the
    payload fields. A :class:`ServiceError` rolls everything back and becomes ``errors``.
    """

    class Meta:
        abstract = True

    domain: ClassVar[str] = "Object"
    required_role: ClassVar[UserRole] = UserRole.ADMINISTRATOR

    @classmethod
    def __init_subclass_with_meta__(cls, **options: Any) -> None:
        if not options.get("abstract") and "_meta" not in cls.__dict__:
            cls.errors = graphene.List(
                graphene.NonNull(error_type(cls.__name__, cls.domain)),
                required=True,
                description="Problems with the input; empty when the change was written.",
            )
            cls.warnings = graphene.List(
                graphene.NonNull(RuleWarning),
                required=True,
                description="Rules the change breaks without being refused.",
            )
            options.setdefault(
                "description",
                f"{(cls.__doc__ or cls.__name__).strip()} Requires the "
                f"{cls.required_role.value} role or higher.",
            )
        super().__init_subclass_with_meta__(**options)

    @classmethod
    async def perform(
        cls,
        session: AsyncSession,
        info: ResolveInfo,
        warnings: list[service_errors.RuleWarning],
        **arguments: Any,
    ) -> dict[str, Any]:
        """Do the change; return the payload's fields (not ``errors``/``warnings``)."""
        raise NotImplementedError

    @classmethod
    async def mutate(cls, root: object, info: ResolveInfo, **arguments: Any) -> Any:
        context = info.context
        if not context.has_role(cls.required_role):
            who = context.role.value if context.role else "an anonymous caller"
            return cls._failed(
                [
                    Problem(
                        None,
                        ErrorCode.PERMISSION_DENIED,
                        f"{cls.__name__} needs the {cls.required_role.value} role; "
                        f"the request comes from {who}",
                    )
                ]
            )
        warnings: list[service_errors.RuleWarning] = []
        async with context.write_sessions() as session:
            session.info["actor"] = context.actor
            session.info["request_id"] = context.request_id
            try:
                payload = await cls.perform(session, info, warnings, **arguments)
                await session.commit()
            except ServiceError as exc:
                await session.rollback()
                return cls._failed(exc.problems)
        context.extras["committed"] = True
        await context.after_write()
        return cls(
            errors=[],
            warnings=[
                RuleWarning(field=w.field, message=w.message, code=w.code.value) for w in warnings
            ],
            **payload,
        )

    @classmethod
    def _failed(cls, problems: list[Problem]) -> Any:
        error = error_type(cls.__name__, cls.domain)
        return cls(
            errors=[
                error(field=p.field, message=p.message, code=code_in(cls.domain, p.code))
                for p in problems
            ],
            warnings=[],
        )


def version_argument(description: str = "The version the change was made on.") -> Any:
    """The ``version`` argument of a change to an existing record (a stale one is refused)."""
    return graphene.Int(required=True, description=description)


def record_arguments(
    what: str,
    input_class: Any,
    input_description: str = "The fields to change.",
    version_description: str = "The version the change was made on.",
) -> type:
    """``Arguments`` of a change to the record ``id`` (described by ``what``) at ``version``."""
    return type(
        "Arguments",
        (),
        {
            "id": graphene.ID(required=True, description=what),
            "version": version_argument(version_description),
            "input": input_class(required=True, description=input_description),
        },
    )


class RecordUpdate(RegistryMutation):
    """A change to the record ``id`` at ``version``, made by one use-case of a service.

    Subclasses set ``node_type`` (what the global ID names), ``input_model`` (the service's
    input), ``apply`` (the use-case, called with the session, the record's id, the version and
    the parsed input), ``payload`` (the field answering the changed record), ``ids`` (input
    fields holding global IDs) and ``Arguments`` (see :func:`record_arguments`).
    """

    class Meta:
        abstract = True

    node_type: ClassVar[str]
    input_model: ClassVar[type[Input]]
    apply: ClassVar[Callable[[AsyncSession, int, int, Any], Awaitable[Any]]]
    payload: ClassVar[str]
    ids: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    @classmethod
    async def perform(
        cls,
        session: AsyncSession,
        info: ResolveInfo,
        warnings: list[service_errors.RuleWarning],
        **arguments: Any,
    ) -> dict[str, Any]:
        record_id = decode_id(arguments["id"], (cls.node_type,))
        values = service_input(arguments["input"], cls.ids)
        data = parse_input(cls.input_model, values, "input")
        return {cls.payload: await cls.apply(session, record_id, arguments["version"], data)}


def root_field(mutation: type[RegistryMutation]) -> Any:
    """The root mutation field of ``mutation``, with its description."""
    return mutation.Field(description=mutation._meta.description)
