"""Every error code is documented for the people who meet it."""

from __future__ import annotations

from heritage.services.errors import CODE_DESCRIPTIONS, ErrorCode


def test_every_error_code_says_what_went_wrong() -> None:
    assert set(CODE_DESCRIPTIONS) == set(ErrorCode)
    for code in ErrorCode:
        assert code.description.endswith(".")
        assert code.value not in code.description  # a sentence, not the code again
