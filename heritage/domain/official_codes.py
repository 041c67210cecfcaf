"""Official identifiers: 国保 numbers (全国重点文物保护单位编号) and document numbers (文号).

国保编号 (domain guide §1.2) has a full form ``<batch>-<4-digit running number in the batch>-
<category digit 1..6>-<3-digit running number in the category>`` (``7-0708-3-006``) and a
short form ``<batch>-<running number>`` (``7-708``) that official lists and other data sets
cite. Both parse to :class:`NationalCode`; two codes name the same site when batch and
running number agree (:attr:`NationalCode.key`).

文号 (document number) follows GB/T 9704: issuer code, year in 六角括号 〔〕, serial number and
号 (``国发〔2019〕22号``). Input often has ``[]``, ``()``, ``（）`` or ``【】`` instead;
:func:`normalise_doc_number` rewrites them to 〔〕.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from heritage.domain.errors import DomainValueError

__all__ = [
    "CATEGORY_LABELS_ZH",
    "DocNumber",
    "NationalCode",
    "normalise_doc_number",
    "parse_doc_number",
    "parse_national_code",
    "validate_national_code",
]

#: Category digit of the 国保 number → category name (the six modern categories).
CATEGORY_LABELS_ZH: dict[int, str] = {
    1: "古遗址",
    2: "古墓葬",
    3: "古建筑",
    4: "石窟寺及石刻",
    5: "近现代重要史迹及代表性建筑",
    6: "其他",
}

FULL_PATTERN = re.compile(r"^[1-9]-\d{4}-[1-6]-\d{3}$")
SHORT_PATTERN = re.compile(r"^[1-9]-\d{1,4}$")
_DASHES = re.compile(r"[‐‑‒–—―−－]")


@dataclass(frozen=True, slots=True)
class NationalCode:
    """A parsed 国保 number.

    Attributes:
        batch: batch number 1–9.
        running: running number inside the batch (1–9999).
        category_digit: category digit 1–6, ``None`` when parsed from the short form.
        category_running: running number inside the category, ``None`` for the short form.
    """

    batch: int
    running: int
    category_digit: int | None = None
    category_running: int | None = None

    @property
    def full(self) -> str | None:
        """``7-0708-3-006``; ``None`` when the category part is unknown (short form)."""
        if self.category_digit is None or self.category_running is None:
            return None
        return f"{self.batch}-{self.running:04d}-{self.category_digit}-{self.category_running:03d}"

    @property
    def short(self) -> str:
        """``7-708``: batch and running number without padding."""
        return f"{self.batch}-{self.running}"

    @property
    def key(self) -> str:
        """Matching key shared by the full and the short form of one number (= ``short``)."""
        return self.short

    def __str__(self) -> str:
        return self.full or self.short


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return _DASHES.sub("-", re.sub(r"\s+", "", text))


def parse_national_code(text: str) -> NationalCode:
    """Parse a full (``7-0708-3-006``) or short (``7-708``) 国保 number.

    Full-width digits, dash variants and spaces are tolerated.

    Raises:
        DomainValueError: ``NATIONAL_CODE_FORMAT`` when the text is neither form, or a running
            number is 0; ``NATIONAL_CODE_MERGED_ITEM`` for the ``<batch>-0000-<c>-<n>``
            placeholder that compiled lists give to merged items (合并项目).
    """
    code = _clean(text)
    if FULL_PATTERN.match(code):
        batch, running, digit, cat_running = (int(part) for part in code.split("-"))
        if running == 0:
            # Some compiled lists number the sites merged into an existing 国保 (合并项目) as
            # "8-0000-3-001". Such items have no number of their own: say so distinctly, so an
            # import can link them to their parent instead of storing a fake number.
            raise DomainValueError(
                "NATIONAL_CODE_MERGED_ITEM",
                f"{text!r} is a placeholder for a merged item (合并项目), not an official number",
                field="official_code",
            )
        if cat_running == 0:
            raise _format_error(text, "running numbers start at 1")
        return NationalCode(batch, running, digit, cat_running)
    if SHORT_PATTERN.match(code):
        batch, running = (int(part) for part in code.split("-"))
        if running == 0:
            raise _format_error(text, "running numbers start at 1")
        return NationalCode(batch, running)
    raise _format_error(text, "expected e.g. 7-0708-3-006 or 7-708")


def _format_error(text: str, why: str) -> DomainValueError:
    return DomainValueError(
        "NATIONAL_CODE_FORMAT",
        f"not a national key site number: {text!r} ({why})",
        field="official_code",
    )


def validate_national_code(code: str, category_digit: int | str | None = None) -> NationalCode:
    """Parse ``code`` and check its category digit against the record's category.

    ``category_digit`` is the record's category (1–6, as int or string); ``None`` skips the
    check. A short-form code carries no category and always passes it.

    Raises:
        DomainValueError: ``NATIONAL_CODE_FORMAT`` (see :func:`parse_national_code`, also for a
            category outside 1–6) or ``NATIONAL_CODE_CATEGORY_MISMATCH`` (rule V9 of the
            domain guide).
    """
    parsed = parse_national_code(code)
    if category_digit is None:
        return parsed
    try:
        expected = int(category_digit)
    except ValueError:
        expected = 0
    if expected not in CATEGORY_LABELS_ZH:
        raise DomainValueError(
            "NATIONAL_CODE_FORMAT",
            f"category must be a digit 1-6, got {category_digit!r}",
            field="category",
        )
    if parsed.category_digit is not None and parsed.category_digit != expected:
        raise DomainValueError(
            "NATIONAL_CODE_CATEGORY_MISMATCH",
            f"number {parsed} has category digit {parsed.category_digit} "
            f"({CATEGORY_LABELS_ZH[parsed.category_digit]}) but the record's category is "
            f"{expected} ({CATEGORY_LABELS_ZH[expected]})",
            field="official_code",
        )
    return parsed


#: Shape of a document number (domain guide §1.8); the normalised text always matches it.
DOC_NUMBER_PATTERN = re.compile(r"^.+[〔\[（(]\d{4}[〕\]）)]\d+号$")
_DOC_PARTS = re.compile(r"^(?P<issuer>.+?)[〔\[（(](?P<year>\d{4})[〕\]）)]第?(?P<serial>\d+)号$")
# Bracket look-alikes NFKC leaves alone, mapped to the ASCII forms the pattern accepts.
_BRACKETS = str.maketrans({"【": "[", "】": "]", "〖": "[", "〗": "]", "［": "[", "］": "]"})


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A parsed document number such as ``国发〔2019〕22号``.

    Attributes:
        issuer: the issuer code before the year (``国发``, ``建村``, ``国函``).
        year: the four-digit year.
        serial: the serial number.
    """

    issuer: str
    year: int
    serial: int

    @property
    def text(self) -> str:
        """The normalised form with 六角括号: ``国发〔2019〕22号``."""
        return f"{self.issuer}〔{self.year}〕{self.serial}号"

    def __str__(self) -> str:
        return self.text


def parse_doc_number(text: str) -> DocNumber:
    """Parse a document number written with any common bracket style.

    Spaces are removed, full-width digits folded, and an optional 第 before the serial
    number dropped (GB/T 9704 writes none). Leading zeros of the serial are dropped too.

    Raises:
        DomainValueError: ``DOC_NUMBER_FORMAT`` when the text does not have the shape
            ``<issuer>〔YYYY〕N号``. Older numbers without a year (``国文习字40号`` of 1961)
            are refused: store those as raw text.
    """
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).translate(_BRACKETS)
    m = _DOC_PARTS.match(cleaned)
    if m is None:
        raise DomainValueError(
            "DOC_NUMBER_FORMAT",
            f"not a document number of the form 国发〔2019〕22号: {text!r}",
            field="doc_no",
        )
    serial = int(m["serial"])
    if serial == 0:
        raise DomainValueError(
            "DOC_NUMBER_FORMAT", f"document serial number cannot be 0: {text!r}", field="doc_no"
        )
    return DocNumber(m["issuer"], int(m["year"]), serial)


def normalise_doc_number(text: str) -> str:
    """Return the canonical form of a document number (``国发[2019]22号`` → ``国发〔2019〕22号``).

    Raises:
        DomainValueError: ``DOC_NUMBER_FORMAT``, see :func:`parse_doc_number`.
    """
    return parse_doc_number(text).text
