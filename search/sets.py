"""Article sets: the articles an advocate keeps together for one case, with notes.

A set is small, plain data (`ArticleSet`), stored whole by each archive backend
(one JSON record in SQLite, one document in Elasticsearch), so both backends
keep exactly the same fields. Every change goes through the methods here, which
validate once; a backend only loads, stores and deletes records, and applies a
change as one read–modify–write that a concurrent writer cannot lose.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from homeward.article import normalise_key
from homeward.clock import utc_now_iso

NAME_MAX = 200
NOTE_MAX = 20_000
SET_ID = re.compile(r"^[0-9a-f]{16}$")
# Control characters (other than tab and newlines in notes) have no place in a name.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SetError(ValueError):
    """A change to a set that cannot be made; the message says what to do instead."""


class SetNameTaken(SetError):
    """Another set already has this name (names are unique, so `--set NAME` is too)."""


class SetNotFound(LookupError):
    """No set has this id (or name)."""


@dataclass(slots=True)
class SetItem:
    """One article kept in a set, with the advocate's note on it."""

    article_id: str
    note: str = ""
    added_at: str = field(default_factory=utc_now_iso)


@dataclass(slots=True)
class ArticleSet:
    """A named, ordered collection of article ids (order of adding), with notes."""

    id: str
    name: str
    note: str = ""
    created_at: str = field(default_factory=utc_now_iso)
    updated_at: str = field(default_factory=utc_now_iso)
    items: list[SetItem] = field(default_factory=list)

    @classmethod
    def new(cls, name: str, note: str = "") -> ArticleSet:
        return cls(id=uuid.uuid4().hex[:16], name=clean_name(name), note=clean_note(note))

    @property
    def name_key(self) -> str:
        """What makes two names the same set name: case and spacing do not count."""
        return normalise_key(self.name)

    def item(self, article_id: str) -> SetItem | None:
        return next((item for item in self.items if item.article_id == article_id), None)

    def article_ids(self) -> list[str]:
        return [item.article_id for item in self.items]

    # --- changes (each one touches `updated_at`) ------------------------------------

    def add(self, article_id: str, note: str | None = None) -> None:
        """Keep an article. Adding it again keeps one item and never loses its note: a new
        note is appended below the old one (a blank line between), the same note again
        changes nothing; `annotate` is the way to rewrite a note."""
        if not article_id:
            raise SetError("an article id is needed to add an article to a set")
        existing = self.item(article_id)
        if existing is None:
            self.items.append(SetItem(article_id=article_id, note=clean_note(note or "")))
        elif note is not None:
            existing.note = appended_note(existing.note, clean_note(note))
        self.touch()

    def remove(self, article_id: str) -> bool:
        before = len(self.items)
        self.items = [item for item in self.items if item.article_id != article_id]
        self.touch()
        return len(self.items) < before

    def annotate(self, article_id: str, note: str) -> None:
        existing = self.item(article_id)
        if existing is None:
            raise SetError(f"article {article_id} is not in the set {self.name!r}; add it first")
        existing.note = clean_note(note)
        self.touch()

    def rename(self, name: str) -> None:
        self.name = clean_name(name)
        self.touch()

    def describe(self, note: str) -> None:
        self.note = clean_note(note)
        self.touch()

    def touch(self) -> None:
        self.updated_at = utc_now_iso()

    # --- conversion -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ArticleSet:
        items = [SetItem(**dict(item)) for item in data.get("items") or []]
        values = {key: data[key] for key in ("id", "name", "note", "created_at", "updated_at")}
        return cls(**values, items=items)


# A change is a function that edits a set in place; backends apply it atomically.
SetChange = Callable[[ArticleSet], object]


def clean_name(name: str) -> str:
    """A set name as stored: trimmed, one line, not empty, not too long."""
    if not isinstance(name, str):
        raise SetError("a set name must be text")
    cleaned = " ".join(_CONTROL.sub(" ", name).split())
    if not cleaned:
        raise SetError("a set needs a name (for example the case or the child's initials)")
    if len(cleaned) > NAME_MAX:
        raise SetError(f"a set name can be at most {NAME_MAX} characters")
    return cleaned


def clean_note(note: str) -> str:
    if not isinstance(note, str):
        raise SetError("a note must be text")
    cleaned = _CONTROL.sub("", note.replace("\r\n", "\n")).strip()
    if len(cleaned) > NOTE_MAX:
        raise SetError(f"a note can be at most {NOTE_MAX} characters")
    return cleaned


def appended_note(old: str, new: str) -> str:
    """`new` below `old`, unless it is empty or `old` already holds it as a paragraph."""
    if not new or new == old or new in old.split("\n\n"):
        return old
    return clean_note(f"{old}\n\n{new}" if old else new)


def restored_set(data: Mapping[str, Any]) -> ArticleSet:
    """A deleted set brought back from its record (the web page's "Undo"), checked as a
    new set is: a valid id, a clean name and notes; `SetError` otherwise."""
    try:
        article_set = ArticleSet.from_dict(data)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise SetError(f"this is not a set record ({error})") from None
    if not isinstance(article_set.id, str) or not looks_like_set_id(article_set.id):
        raise SetError("this is not a set record (its id is not a set id)")
    article_set.name = clean_name(article_set.name)
    article_set.note = clean_note(article_set.note)
    for item in article_set.items:
        if not isinstance(item.article_id, str) or not item.article_id:
            raise SetError("this is not a set record (an item has no article id)")
        item.note = clean_note(item.note)
    return article_set


def looks_like_set_id(value: str) -> bool:
    return bool(SET_ID.match(value))


def duplicate_name_error(name: str) -> SetNameTaken:
    return SetNameTaken(f"a set named {name!r} already exists; choose another name")
