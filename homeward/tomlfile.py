"""Reading TOML written by people, with line numbers for error messages.

tomllib reports a position only for syntax errors, never for values, so a
message about a bad value ("sources.toml, line 7: …") needs the line found by
scanning the text. sources.toml and the schedule files both read this way.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

__all__ = ["TomlSyntaxError", "find_line", "key_lines", "parse_toml"]

_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


class TomlSyntaxError(ValueError):
    """Not valid TOML; `line` is where tomllib stopped, when it says."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_toml(text: str) -> dict[str, Any]:
    """The TOML document in `text`; TomlSyntaxError with the line of the first mistake."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_POSITION.search(str(error))
        message = _TOML_POSITION.sub("", str(error)).strip()
        raise TomlSyntaxError(int(match.group(1)) if match else None, message) from None
    except RecursionError:  # tomllib parses nested arrays and tables by recursion
        raise TomlSyntaxError(None, "arrays or tables nested too deep") from None
    except ValueError as error:  # Python's limit on int(): 4,300 digits
        raise TomlSyntaxError(None, f"a number is too long ({error}".split(";")[0] + ")") from None


def find_line(lines: list[str], start: int, end: int, pattern: str) -> int | None:
    """The 1-based number of the first line in lines[start:end] matching `pattern`."""
    regex = re.compile(pattern)
    for number in range(start, min(end, len(lines))):
        if regex.search(lines[number]):
            return number + 1
    return None


def key_lines(text: str) -> dict[str, int]:
    """The line of each `key = …` (its first occurrence), for messages about its value."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _KEY.match(line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines
