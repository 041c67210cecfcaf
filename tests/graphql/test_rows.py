"""Read paths answer from records, mutations from ORM instances: both must read the same."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from heritage.db.base import Base
from heritage.graphql.ids import global_id
from heritage.graphql.rows import is_model, model_of, records
from heritage.graphql.schema import build_schema
from heritage.models import (
    HeritageObject,
    MediaAsset,
    MediaLink,
    Place,
    Site,
)
from heritage.models.vocab import (
    ConditionSystem,
    CoordinateVisibility,
    DesignationType,
    MediaKind,
    Period,
    PlaqueType,
    UserRole,
)
from heritage.services.plaques import PlaqueCreate, install_plaque
from heritage.services.surveys import SurveyCreate, add_survey
from tests.support.api import Api
from tests.support.factories import designate, make_place, make_site


async def _registry(session: AsyncSession) -> dict[str, Base]:
    """A place holding a site with every kind of column filled, and the site's records."""
    place = await make_place(session, alt_names=["古陶"], natural_village_name="城关")
    site = await make_site(
        session,
        alt_names=["木塔", "应州塔"],
        description="辽代木构楼阁式塔。",
        parent_id=place.id,
        address_announced="应县城内",
        location={"lon": 113.1828, "lat": 39.5653, "accuracy_m": 5.0},
        coordinate_visibility=CoordinateVisibility.SENSITIVE,
        boundary={"type": "Polygon", "coordinates": [[[113, 39], [114, 39], [114, 40], [113, 39]]]},
        era_raw="辽清宁二年",
        era_start_year=1056,
        era_end_year=1056,
        periods=[Period.LIAO],
        use_function="寺院",
    )
    designation = await designate(
        session, site.id, DesignationType.CPU_NATIONAL, official_code="1-0034-3-001"
    )
    survey = await add_survey(
        session,
        SurveyCreate(
            object_id=site.id,
            surveyed_on=dt.date(2022, 5, 1),
            surveyor="张三",
            condition_system=ConditionSystem.UI5,
            condition_grade="GOOD",
        ),
    )
    plaque = await install_plaque(
        session, PlaqueCreate(object_id=site.id, plaque_type=PlaqueType.CPU_SIGN)
    )
    asset = MediaAsset(
        sha256="ab" * 32,
        media_kind=MediaKind.IMAGE,
        mime_type="image/jpeg",
        byte_size=1000,
        width=40,
        height=30,
        caption="南立面",
        taken_at=dt.datetime(2022, 5, 1, 9, 30, tzinfo=dt.UTC),
    )
    session.add(asset)
    await session.flush()
    session.add(MediaLink(media_asset_id=asset.id, object_id=site.id))
    session.add(MediaLink(media_asset_id=asset.id, plaque_id=plaque.id))
    await session.flush()
    return {
        "place": place,
        "site": site,
        "designation": designation,
        "survey": survey,
        "plaque": plaque,
        "asset": asset,
    }


async def _record(session: AsyncSession, model: type[Base], key: int) -> Any:
    found = records(model)
    column: Any = model.id  # type: ignore[attr-defined]
    connection = await session.connection()
    row = (await connection.execute(found.select().where(column == key))).one()
    return found.wrap(row)


async def test_a_record_holds_what_the_orm_instance_holds(session: AsyncSession) -> None:
    made = await _registry(session)
    for instance in made.values():
        model = type(instance)
        await session.refresh(instance)  # as read back from the database
        record = await _record(session, model, instance.id)  # type: ignore[attr-defined]

        assert model_of(record) is model
        keys = [prop.key for prop in inspect(model).column_attrs]
        assert record._fields == tuple(keys)
        assert {key: getattr(record, key) for key in keys} == {
            key: getattr(instance, key) for key in keys
        }, model.__name__


async def test_a_polymorphic_list_wraps_each_row_as_its_own_model(session: AsyncSession) -> None:
    made = await _registry(session)
    found = records(HeritageObject)
    ids = [made["place"].id, made["site"].id]  # type: ignore[attr-defined]
    connection = await session.connection()
    rows = found.wrap_all(
        (
            await connection.execute(
                found.select().where(HeritageObject.id.in_(ids)).order_by(HeritageObject.id)
            )
        ).all()
    )

    place, site = rows
    assert (model_of(place), model_of(site)) == (Place, Site)
    assert [is_model(site, model) for model in (HeritageObject, Site, Place)] == [1, 1, 0]
    assert [is_model(place, model) for model in (HeritageObject, Site, Place)] == [1, 0, 1]
    assert [is_model(made["site"], model) for model in (Site, Place)] == [1, 0]
    assert place.natural_village_name == "城关"
    assert not hasattr(place, "category")
    assert site.use_function == "寺院"
    assert not hasattr(site, "natural_village_name")

    sites = records(Site)  # a subclass selects its own rows only
    only = (await connection.execute(sites.select().where(HeritageObject.id.in_(ids)))).all()
    assert [model_of(sites.wrap(row)) for row in only] == [Site]


def _selection(schema: GraphQLSchema, type_name: str, depth: int = 2) -> str:
    """Every field of a type that takes no arguments, and those of its objects ``depth`` deep."""
    graph_type = schema.get_type(type_name)
    assert isinstance(graph_type, GraphQLObjectType | GraphQLInterfaceType)
    parts = ["__typename"]
    for name, field in graph_type.fields.items():
        if field.args:
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            parts.append(name)
        elif depth > 0 and isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            parts.append(f"{name} {{ {_selection(schema, named.name, depth - 1)} }}")
    return " ".join(parts)


DOC_NO = "国发〔2001〕25号"

# (mutation, payload field, GraphQL type, key in the registry, input changing a plain field)
MUTATIONS = [
    ("siteUpdate", "site", "Site", "site", {"useFunction": "博物馆"}),
    ("placeUpdate", "place", "Place", "place", {"description": "明清县城。"}),
    ("designationCorrect", "designation", "Designation", "designation", {"docNo": DOC_NO}),
    ("surveyRecordUpdate", "surveyRecord", "SurveyRecord", "survey", {"notes": "塔身微倾"}),
    ("plaqueUpdate", "plaque", "Plaque", "plaque", {"textFront": "佛宫寺释迦塔"}),
    ("mediaUpdate", "mediaAsset", "MediaAsset", "asset", {"caption": "北立面"}),
]


async def test_a_mutation_answers_as_a_later_query_reads_the_same_record(api: Api) -> None:
    async with api.session() as session:
        made = await _registry(session)
        keys = {name: (row.id, row.version) for name, row in made.items()}  # type: ignore[attr-defined]
    schema = build_schema().graphql_schema

    for mutation, field, type_name, key, change in MUTATIONS:
        record_id, version = keys[key]
        node = global_id(type_name, record_id)
        fields = _selection(schema, type_name)
        written = await api.data(
            f"""mutation($id: ID!, $version: Int!, $input: {_input_type(schema, mutation)}!) {{
              {mutation}(id: $id, version: $version, input: $input) {{
                {field} {{ {fields} }} errors {{ code message }}
              }}
            }}""",
            {"id": node, "version": version, "input": change},
            UserRole.ADMINISTRATOR,
        )
        assert written[mutation]["errors"] == [], written[mutation]["errors"]
        read = await api.data(
            f"query($id: ID!) {{ node(id: $id) {{ ... on {type_name} {{ {fields} }} }} }}",
            {"id": node},
            UserRole.ADMINISTRATOR,
        )
        # The mutation's answer came from the service's ORM instance, the query's from a record.
        assert written[mutation][field] == read["node"], mutation
        assert read["node"]["version"] == version + 1


def _input_type(schema: GraphQLSchema, mutation: str) -> str:
    assert schema.mutation_type is not None
    name: str = get_named_type(schema.mutation_type.fields[mutation].args["input"].type).name
    return name
