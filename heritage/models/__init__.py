"""ORM models of the registry. Importing this package registers every table on ``Base``."""

from heritage.db.base import Base
from heritage.models.designations import Designation
from heritage.models.history import ChangeRecord, SearchOutbox
from heritage.models.media import MediaAsset, MediaLink
from heritage.models.objects import HeritageObject, Place, Site, StatusChange
from heritage.models.records import (
    ArchiveItem,
    Incident,
    MappingDeliverable,
    MappingRecord,
    Plaque,
    SurveyRecord,
)
from heritage.models.search import SearchCounter, SearchEntry
from heritage.models.users import ApiToken, User
from heritage.models.works import Craftsman, Intervention, InterventionCraftsman

__all__ = [
    "ApiToken",
    "ArchiveItem",
    "Base",
    "ChangeRecord",
    "Craftsman",
    "Designation",
    "HeritageObject",
    "Incident",
    "Intervention",
    "InterventionCraftsman",
    "MappingDeliverable",
    "MappingRecord",
    "MediaAsset",
    "MediaLink",
    "Place",
    "Plaque",
    "SearchCounter",
    "SearchEntry",
    "SearchOutbox",
    "Site",
    "StatusChange",
    "SurveyRecord",
    "User",
]
