"""GraphQL enums made from the registry's vocabularies; each value is described by its label."""

from __future__ import annotations

from enum import Enum
from typing import Any

import graphene

from heritage.models import vocab

_made: dict[type[Enum], type[graphene.Enum]] = {}


def label_of(member: Enum) -> str:
    """The Chinese label of a vocabulary member (``label`` or ``label_zh``), or its code."""
    label = getattr(member, "label", None) or getattr(member, "label_zh", None)
    return str(label) if label else str(member.value)


def graphql_enum(enum_class: type[Enum], name: str | None = None) -> Any:
    """The graphene enum for ``enum_class`` (made once, so the schema has one type per enum)."""
    if enum_class not in _made:
        doc = (enum_class.__doc__ or enum_class.__name__).strip().splitlines()[0]

        def describe(member: Enum | None) -> str:
            if member is None:
                return doc
            return f"{label_of(member)} ({member.value})"

        _made[enum_class] = graphene.Enum.from_enum(enum_class, name=name, description=describe)
    return _made[enum_class]


ObjectKind = graphql_enum(vocab.ObjectKind)
ObjectStatus = graphql_enum(vocab.ObjectStatus)
RelicCategory = graphql_enum(vocab.RelicCategory)
StructureType = graphql_enum(vocab.StructureType)
OwnershipType = graphql_enum(vocab.OwnershipType)
UseStatus = graphql_enum(vocab.UseStatus)
ConditionGrade = graphql_enum(vocab.ConditionGrade)
ConditionSystem = graphql_enum(vocab.ConditionSystem)
Threat = graphql_enum(vocab.Threat)
CoordinateSystem = graphql_enum(vocab.CoordinateSystem)
LocationMethod = graphql_enum(vocab.LocationMethod)
CoordinateVisibility = graphql_enum(vocab.CoordinateVisibility)
ProtectionLevel = graphql_enum(vocab.ProtectionLevel)
DesignationScope = graphql_enum(vocab.DesignationScope)
DesignationType = graphql_enum(vocab.DesignationType)
DesignationStatus = graphql_enum(vocab.DesignationStatus)
AnnouncementKind = graphql_enum(vocab.AnnouncementKind)
SurveyMethod = graphql_enum(vocab.SurveyMethod)
SurveyDepth = graphql_enum(vocab.SurveyDepth)
DeliverableType = graphql_enum(vocab.DeliverableType)
QaStatus = graphql_enum(vocab.QaStatus)
PlaqueType = graphql_enum(vocab.PlaqueType)
PlaqueMaterial = graphql_enum(vocab.PlaqueMaterial)
PlaqueCondition = graphql_enum(vocab.PlaqueCondition)
ArchiveSection = graphql_enum(vocab.ArchiveSection)
DocumentVolume = graphql_enum(vocab.DocumentVolume)
InterventionType = graphql_enum(vocab.InterventionType)
InterventionStatus = graphql_enum(vocab.InterventionStatus)
FirmQualification = graphql_enum(vocab.FirmQualification)
FundingSource = graphql_enum(vocab.FundingSource)
CraftTrade = graphql_enum(vocab.CraftTrade)
InheritorLevel = graphql_enum(vocab.InheritorLevel)
IncidentType = graphql_enum(vocab.IncidentType)
IncidentSeverity = graphql_enum(vocab.IncidentSeverity)
IncidentStatus = graphql_enum(vocab.IncidentStatus)
ApprovalLevel = graphql_enum(vocab.ApprovalLevel)
MediaKind = graphql_enum(vocab.MediaKind)
UserRole = graphql_enum(vocab.UserRole)
ChangeAction = graphql_enum(vocab.ChangeAction)
Period = graphql_enum(vocab.Period)
