"""Tests for the shared domain error type."""

import pickle

import pytest

from heritage.domain.errors import DomainValueError


def test_error_carries_code_field_and_message() -> None:
    # given / when
    err = DomainValueError("SOME_CODE", "something is wrong", field="name")

    # then
    assert isinstance(err, ValueError)
    assert err.code == "SOME_CODE"
    assert err.field == "name"
    assert err.message == "something is wrong"
    assert str(err) == "something is wrong"
    assert "SOME_CODE" in repr(err)


def test_field_defaults_to_none() -> None:
    assert DomainValueError("X", "m").field is None


def test_error_survives_pickling() -> None:
    # given
    err = DomainValueError("CODE", "msg", field="f")

    # when
    copy = pickle.loads(pickle.dumps(err))

    # then
    assert (copy.code, copy.field, copy.message) == ("CODE", "f", "msg")


def test_can_be_caught_as_value_error() -> None:
    with pytest.raises(ValueError, match="bad"):
        raise DomainValueError("C", "bad")
