"""Which names Elasticsearch takes for an index or alias, checked before any request.

A name it refuses (upper case, a space, a leading underscore...) would otherwise come
back as a 400 answer deep inside the first request; checked here, the message names
the setting and the rule. Every index of an archive is the alias plus a suffix
(`-offtopic-v1` the longest), so the alias leaves room for it.
"""

from __future__ import annotations

__all__ = ["MAX_ALIAS_BYTES", "RULES", "alias_problem"]

# Elasticsearch allows 255 bytes; the longest suffix Homeward adds is "-offtopic-v1".
MAX_ALIAS_BYTES = 255 - len("-offtopic-v1")
FORBIDDEN = '\\/*?"<>|,#: '
RULES = (
    'index names are lower case, without spaces or any of \\ / * ? " < > | , # :, '
    f"do not start with - _ + or ., and are at most {MAX_ALIAS_BYTES} bytes"
)


def alias_problem(name: str) -> str | None:
    """What makes `name` unusable as the archive's alias, or None when it is fine."""
    if not name:
        return "it is empty"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_ALIAS_BYTES:
        return f"it is longer than {MAX_ALIAS_BYTES} bytes"
    if name != name.lower():
        return "it has upper-case letters"
    bad = sorted({character for character in name if character in FORBIDDEN})
    if bad:
        return "it contains " + " ".join(repr(character) for character in bad)
    if any(ord(character) < 32 or 0xD800 <= ord(character) <= 0xDFFF for character in name):
        return "it contains control characters or bytes that are not UTF-8"
    if name[0] in "-_+.":
        return f"it starts with {name[0]!r}"
    return None
