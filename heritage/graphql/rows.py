"""Read-only records for the API's read paths: a model's columns without an ORM instance.

A page of 100 sites with their designations, surveys, plaques and media is some 600 rows.
Loaded as ORM entities, each costs an instance, its state, an identity-map entry and
instrumented attribute reads: work for tracking changes that a read-only request never makes.
So the lists and the DataLoaders select the mapped columns with Core and wrap each row in its
model's :func:`record_class`, a named tuple whose fields are the model's column attributes
(same names, same Python values: the column types convert them as for the ORM) and whose
class names the model in ``__model__``.

Resolvers therefore meet two kinds of roots: records on read paths and ORM instances from
mutations (the services return those). They read plain column attributes, which both have;
type checks use :func:`is_model` instead of ``isinstance``. Records have no relationships,
and the API never reads one (every relationship is ``lazy="raise"``).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import ColumnElement, Select, inspect, select
from sqlalchemy.orm import InstrumentedAttribute

from heritage.db.base import Base

Record = tuple[Any, ...]

_classes: dict[type[Base], type[Record]] = {}


def record_class(model: type[Base]) -> type[Record]:
    """The record class of ``model``: a named tuple of its mapped column attributes."""
    made = _classes.get(model)
    if made is None:
        keys = [prop.key for prop in inspect(model).column_attrs]
        fields = namedtuple(f"{model.__name__}Record", keys)  # type: ignore[misc]
        made = type(fields.__name__, (fields,), {"__slots__": (), "__model__": model})
        _classes[model] = made
    return made


def model_of(root: Any) -> type[Any]:
    """The model of a record, else the class of ``root`` (an ORM instance's is its model)."""
    model: type[Any] | None = getattr(root, "__model__", None)
    return model if model is not None else type(root)


def is_model(root: Any, model: type[Base]) -> bool:
    """True for an instance or a record of ``model`` or of one of its subclasses."""
    return issubclass(model_of(root), model)


def _columns(model: type[Base]) -> list[ColumnElement[Any]]:
    return [prop.columns[0] for prop in inspect(model).column_attrs]


class Records:
    """How the rows of one model are selected and wrapped.

    A polymorphic base (``HeritageObject``) selects the columns of all its subclasses and
    wraps each row in the record class its discriminator names; a subclass (``Site``) selects
    its own columns from its own rows.
    """

    def __init__(self, model: type[Base]) -> None:
        mapper = inspect(model)
        self.model = model
        self._criterion: ColumnElement[bool] | None = None
        self._single: type[Record] | None = None
        self._by_identity: dict[Any, tuple[type[Record], itemgetter[Any]]] = {}
        discriminator = mapper.polymorphic_on
        if discriminator is not None and mapper.polymorphic_identity is None:
            columns: list[ColumnElement[Any]] = []
            for sub in mapper.polymorphic_map.values():
                columns += [c for c in _columns(sub.class_) if c not in columns]
            self.columns = columns
            self._identity = columns.index(discriminator)
            for identity, sub in mapper.polymorphic_map.items():
                positions = [columns.index(c) for c in _columns(sub.class_)]
                self._by_identity[identity] = (record_class(sub.class_), itemgetter(*positions))
        else:
            self.columns = _columns(model)
            self._single = record_class(model)
            if discriminator is not None:
                self._criterion = discriminator == mapper.polymorphic_identity
        self._width = len(self.columns)

    def select(self, *extra: ColumnElement[Any] | InstrumentedAttribute[Any]) -> Select[Any]:
        """``SELECT`` of the record's columns, then ``extra`` ones, from the model's rows."""
        query = select(*self.columns, *extra)
        return query if self._criterion is None else query.where(self._criterion)

    def wrap(self, row: Sequence[Any]) -> Any:
        """The record of a row of :meth:`select` (extra columns left out)."""
        single = self._single
        if single is None:
            cls, values = self._by_identity[row[self._identity]]
            return tuple.__new__(cls, values(row))
        if len(row) != self._width:
            row = row[: self._width]
        return tuple.__new__(single, row)

    def wrap_all(self, rows: Iterable[Sequence[Any]]) -> list[Any]:
        """The records of rows of :meth:`select` without extra columns."""
        single = self._single
        if single is None:
            return [self.wrap(row) for row in rows]
        new = tuple.__new__
        return [new(single, row) for row in rows]


_records: dict[type[Base], Records] = {}


def records(model: type[Base]) -> Records:
    """The :class:`Records` of ``model``."""
    made = _records.get(model)
    if made is None:
        made = _records[model] = Records(model)
    return made
