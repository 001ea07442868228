"""Reading untrusted JSON with bounds: nesting depth, text length, parsed by orjson.

The API and the command line read facts from strangers. A document nested 2,000 deep, or
one string of a megabyte, is not facts: :func:`loads` refuses it with
:class:`JSONLimitError`, which names where the document went wrong (``loc``, the path of
keys and indices) and what the limit is, instead of a ``RecursionError`` deep in a parser
or a validator.

Limits (the defaults; a caller may pass others):

* ``MAX_DEPTH`` = 32 levels of arrays and objects (the deepest facts are 3);
* ``MAX_TEXT`` = 4,096 characters in any one string, key or value (the longest field,
  an address, is bounded at 200 by its model);

orjson refuses more than 1,024 levels itself; that refusal is reported the same way.
"""

from __future__ import annotations

from typing import Any

import orjson

from churujing.errors import FactsError

__all__ = ["MAX_DEPTH", "MAX_TEXT", "JSONLimitError", "check_bounds", "dumps", "loads"]

MAX_DEPTH = 32
MAX_TEXT = 4096


class JSONLimitError(FactsError):
    """A document that is not JSON, or beyond a bound: a :class:`FactsError` whose
    ``field`` is the dotted path where it went wrong; ``loc`` is that path as a tuple and
    ``kind`` says which bound (``json_invalid``, ``json_too_deep``, ``string_too_long``)."""

    def __init__(self, message: str, *, loc: tuple[str | int, ...] = (),
                 kind: str = "json_invalid") -> None:
        super().__init__(message, field=".".join(str(p) for p in loc))
        self.loc = loc
        self.kind = kind


def loads(raw: bytes | str, *, max_depth: int = MAX_DEPTH, max_text: int = MAX_TEXT) -> Any:
    """Parse ``raw`` and check its bounds; :class:`JSONLimitError` when it is not JSON
    or is nested deeper than ``max_depth`` or holds a string longer than ``max_text``."""
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        text = str(exc)
        if "depth limit" in text or "recursion" in text.lower():
            raise JSONLimitError(
                f"nested more than {max_depth} levels deep (arrays and objects)",
                kind="json_too_deep") from None
        raise JSONLimitError(f"expected a JSON document in UTF-8 ({text})") from None
    check_bounds(doc, max_depth=max_depth, max_text=max_text)
    return doc


def check_bounds(doc: Any, *, max_depth: int = MAX_DEPTH, max_text: int = MAX_TEXT) -> None:
    """Walk a parsed document (without recursion) and raise at the first bound passed."""
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(doc, 1, ())]
    while stack:
        value, depth, loc = stack.pop()
        kind = type(value)
        if kind is str:
            if len(value) > max_text:
                raise JSONLimitError(f"text longer than {max_text} characters", loc=loc,
                                     kind="string_too_long")
            continue
        if kind is dict:
            if depth > max_depth:
                raise JSONLimitError(
                    f"nested more than {max_depth} levels deep (arrays and objects)",
                    loc=loc[:1], kind="json_too_deep")
            for k, v in value.items():
                if len(k) > max_text:
                    raise JSONLimitError(f"key longer than {max_text} characters", loc=loc,
                                         kind="string_too_long")
                if type(v) in (dict, list, str):
                    stack.append((v, depth + 1, (*loc, k)))
        elif kind is list:
            if depth > max_depth:
                raise JSONLimitError(
                    f"nested more than {max_depth} levels deep (arrays and objects)",
                    loc=loc[:1], kind="json_too_deep")
            for i, v in enumerate(value):
                if type(v) in (dict, list, str):
                    stack.append((v, depth + 1, (*loc, i)))


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON (orjson; non-ASCII kept as is, as ``ensure_ascii=False``)."""
    return orjson.dumps(value)
