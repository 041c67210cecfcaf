"""Printable plaques: the PNG's QR code leads to the record's public address, which answers."""

from __future__ import annotations

import datetime as dt
import io

import zxingcpp
from PIL import Image

from heritage.graphql.ids import global_id
from heritage.models.vocab import DesignationType, PlaqueType
from heritage.services.plaques import PlaqueCreate, install_plaque
from tests.support.factories import designate, make_site
from tests.support.media import BASE_URL, MediaApi, answer

PRINT_URL = "query($id: ID!) { node(id: $id) { ... on Plaque { printUrl } } }"


async def _pagoda(media_api: MediaApi, **plaque: object) -> tuple[int, str]:
    """佛宫寺释迦塔 (国保 1-0071-3-024) with a protection sign; its plaque id and public id."""
    async with media_api.api.session() as session:
        site = await make_site(session)
        await designate(
            session,
            site.id,
            DesignationType.CPU_NATIONAL,
            authority="国务院",
            batch_no=1,
            announced_on=dt.date(1961, 3, 4),
            official_code="1-0071-3-024",
        )
        sign = await install_plaque(
            session,
            PlaqueCreate.model_validate(
                {
                    "object_id": site.id,
                    "plaque_type": PlaqueType.CPU_SIGN,
                    "erecting_authority": "山西省人民政府",
                    "erected_on": dt.date(1987, 10, 1),
                    **plaque,
                }
            ),
        )
    return sign.id, site.public_id


async def test_the_printed_qr_code_leads_to_the_public_record(media_api: MediaApi) -> None:
    plaque_id, public_id = await _pagoda(media_api)
    url = (await media_api.api.data(PRINT_URL, {"id": global_id("Plaque", plaque_id)}))["node"][
        "printUrl"
    ]

    printed = await media_api.get(url)
    by_global_id = await media_api.get(f"/plaques/{global_id('Plaque', plaque_id)}/print.png")
    revalidated = await media_api.get(url, if_none_match=printed.headers["etag"])

    assert url == f"{BASE_URL}/plaques/{plaque_id}/print.png"
    assert printed.status_code == 200, printed.text
    assert printed.headers["content-type"] == "image/png"
    assert by_global_id.headers["etag"] == printed.headers["etag"]
    assert by_global_id.content == printed.content  # drawn once, then served from the store
    assert revalidated.status_code == 304
    image = Image.open(io.BytesIO(printed.content))
    assert image.size == (3508, 2480)
    [code] = zxingcpp.read_barcodes(image)
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    assert code.text == f"{BASE_URL}/objects/{public_id}"

    record = await media_api.get(code.text)

    assert record.status_code == 200
    body = answer(record)
    assert body["publicId"] == public_id
    assert body["url"] == code.text
    assert (body["name"], body["protection"]) == ("佛宫寺释迦塔", "全国重点文物保护单位")
    assert body["designations"][0]["officialCode"] == "1-0071-3-024"
    assert "location" not in body


async def test_a_plaque_missing_what_it_must_show_is_not_printed(media_api: MediaApi) -> None:
    plaque_id, _ = await _pagoda(media_api, erected_on=None, erecting_authority=None)

    incomplete = await media_api.get(f"/plaques/{plaque_id}/print.png")
    unknown = await media_api.get("/plaques/999/print.png")
    nowhere = await media_api.get("/objects/00000000-0000-0000-0000-000000000000")

    assert incomplete.status_code == 422
    assert answer(incomplete)["code"] == "INVALID_PLAQUE_CONTENT"
    assert "erection date" in answer(incomplete)["message"]
    assert (unknown.status_code, answer(unknown)["code"]) == (404, "NOT_FOUND")
    assert (nowhere.status_code, answer(nowhere)["code"]) == (404, "NOT_FOUND")
    assert media_api.renditions() == []
