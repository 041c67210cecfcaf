"""GraphQL types of works projects and craftsmen."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay
from sqlalchemy import inspect

from heritage import models
from heritage.graphql import access, enums
from heritage.graphql.connection import connection_for
from heritage.graphql.context import ResolveInfo
from heritage.graphql.fields import columns_mixin, doc
from heritage.graphql.nodes import ModelNode
from heritage.graphql.records.types import RecordFields


class Funding(graphene.ObjectType):
    """One source of money for a works project."""

    source = graphene.Field(graphene.NonNull(enums.FundingSource), description=doc("source"))
    amount_yuan = graphene.Decimal(required=True, description=doc("amount_yuan"))


InterventionColumns: Any = columns_mixin(
    "InterventionColumns",
    inspect(models.Intervention),
    [
        "intervention_type",
        "status",
        "title",
        "description",
        "approval_doc_no",
        "approval_authority",
        "approval_level",
        "approved_on",
        "firm",
        "firm_qualification",
        "budget_yuan",
        "started_on",
        "completed_on",
        "report",
        "version",
        "created_at",
    ],
)


class Intervention(InterventionColumns, RecordFields, ModelNode):
    """A works project: restoration, maintenance, emergency stabilisation, re-use …"""

    model = models.Intervention
    media_target = models.MediaLink.intervention_id

    class Meta:
        interfaces = (relay.Node,)

    funding = graphene.List(graphene.NonNull(Funding), required=True, description=doc("funding"))
    craftsmen = graphene.List(
        graphene.NonNull(lambda: CraftsmanAssignment),
        required=True,
        description="Craftsmen who worked on it, with their trades.",
    )

    @staticmethod
    def resolve_funding(root: models.Intervention, info: ResolveInfo) -> list[Funding]:
        return [
            Funding(
                source=models.vocab.FundingSource(item["source"]), amount_yuan=item["amount_yuan"]
            )
            for item in root.funding
        ]

    @staticmethod
    async def resolve_craftsmen(root: models.Intervention, info: ResolveInfo) -> Any:
        return await info.context.loaders.intervention_craftsmen.load(root.id)


class CraftsmanAssignment(ModelNode):
    """A craftsman's part in a works project."""

    model = models.InterventionCraftsman

    trade = graphene.Field(graphene.NonNull(enums.CraftTrade), description=doc("trade"))
    role = graphene.String(description="Role in the project (e.g. 掌作师傅).")
    craftsman = graphene.Field(graphene.NonNull(lambda: Craftsman), description="The craftsman.")
    intervention = graphene.Field(graphene.NonNull(Intervention), description="The works project.")

    @staticmethod
    def resolve_trade(root: models.InterventionCraftsman, info: ResolveInfo) -> Any:
        return models.vocab.CraftTrade(root.trade)

    @staticmethod
    async def resolve_craftsman(root: models.InterventionCraftsman, info: ResolveInfo) -> Any:
        return await info.context.loaders.craftsmen.load(root.craftsman_id)

    @staticmethod
    async def resolve_intervention(root: models.InterventionCraftsman, info: ResolveInfo) -> Any:
        return await info.context.loaders.by_id(models.Intervention).load(root.intervention_id)


CraftsmanColumns: Any = columns_mixin(
    "CraftsmanColumns",
    inspect(models.Craftsman),
    [
        "name",
        "trades",
        "certification",
        "inheritor_level",
        "region_code",
        "phone",
        "notes",
        "version",
        "created_at",
    ],
    {"trades": graphene.NonNull(graphene.List(graphene.NonNull(enums.CraftTrade)))},
)


class Craftsman(CraftsmanColumns, ModelNode):
    """A traditional craftsman (传统工匠) and the works they took part in."""

    model = models.Craftsman

    class Meta:
        interfaces = (relay.Node,)

    works = graphene.List(
        graphene.NonNull(CraftsmanAssignment),
        required=True,
        description="Works projects the craftsman took part in.",
    )

    @staticmethod
    def resolve_phone(root: models.Craftsman, info: ResolveInfo) -> str | None:
        return root.phone if info.context.has_role(access.READ_CONTACTS) else None

    @staticmethod
    async def resolve_works(root: models.Craftsman, info: ResolveInfo) -> Any:
        return await info.context.loaders.works_of_craftsman.load(root.id)


CraftsmanConnection = connection_for(Craftsman)
InterventionConnection = connection_for(Intervention)
