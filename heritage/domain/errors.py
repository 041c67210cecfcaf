"""Error type shared by the domain modules.

Every rule violation raises :class:`DomainValueError`. It is a ``ValueError`` so callers that only
care about "bad input" can catch the built-in type, while API layers can map the stable
``code`` to a machine-readable response and ``field`` to the offending input.
"""

from __future__ import annotations


class DomainValueError(ValueError):
    """A value broke a domain rule.

    Attributes:
        code: stable, upper-case machine code (e.g. ``"DATING_UNPARSEABLE"``); never reworded.
        field: name of the input field at fault, when the raising function knows it.
        message: human-readable explanation (English), also the ``str()`` of the exception.
    """

    code: str
    field: str | None
    message: str

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(code={self.code!r}, field={self.field!r}, message={self.message!r})"

    def __reduce__(self) -> tuple[object, ...]:
        # Keep the keyword-only ``field`` when pickled (e.g. across process pools).
        return (_rebuild, (type(self), self.code, self.message, self.field))


def _rebuild(
    cls: type[DomainValueError], code: str, message: str, field: str | None
) -> DomainValueError:
    return cls(code, message, field=field)
