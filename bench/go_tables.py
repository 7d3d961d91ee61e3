"""The test tables of Go modules, read as data: the truth of the sets built from them.

Go ports of extraction libraries keep their evaluation truth as Go composite literals
(`{URL: "…", File: "…", Date: "…"}` in a slice, or `"https://…": {File: "…", With:
[]string{"…"}}` in a map). Only string fields and string lists occur in them, so a
small reader suffices; Go's double-quoted strings use JSON's escapes.
"""

from __future__ import annotations

import json
import re

STRING = r'"(?:[^"\\]|\\.)*"'
VALUE = rf"(?:\[\]string\{{(?:\s*{STRING}\s*,?)*\s*\}}|{STRING})"
FIELD = re.compile(rf"(\w+):\s*({VALUE})")
# One struct literal of fields, with its map key when it is a map's value.
ENTRY = re.compile(rf"(?:({STRING}):\s*)?\{{((?:\s*\w+:\s*{VALUE}\s*,?)+)\s*\}}")

Fields = dict[str, str | list[str]]


def _string(literal: str) -> str:
    return json.loads(literal, strict=False)  # a tab may stand in the string as written


def go_entries(source: str) -> list[tuple[str | None, Fields]]:
    """Each struct literal of string fields in `source`: (its map key or None, its fields)."""
    entries = []
    for match in ENTRY.finditer(source):
        key, body = match.groups()
        fields: Fields = {}
        for name, value in FIELD.findall(body):
            fields[name] = (
                [_string(item) for item in re.findall(STRING, value)]
                if value.startswith("[]")
                else _string(value)
            )
        entries.append((_string(key) if key else None, fields))
    return entries
