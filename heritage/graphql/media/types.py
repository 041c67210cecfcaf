"""GraphQL type of media assets."""

from __future__ import annotations

from typing import Any

from graphene import relay
from sqlalchemy import inspect

from heritage import models
from heritage.graphql.fields import columns_mixin
from heritage.graphql.nodes import ModelNode

MediaColumns: Any = columns_mixin(
    "MediaColumns",
    inspect(models.MediaAsset),
    [
        "sha256",
        "media_kind",
        "mime_type",
        "byte_size",
        "width",
        "height",
        "original_filename",
        "caption",
        "photographer",
        "licence",
        "taken_at",
        "camera",
        "created_at",
    ],
)


class MediaAsset(MediaColumns, ModelNode):
    """A stored photo, drawing or document; the original is kept for ever."""

    model = models.MediaAsset

    class Meta:
        interfaces = (relay.Node,)
