"""The table of Chinese place forms behind `place:` (homeward/place_names.txt).

`homeward.forms.place_keys` must know that 山西 is Shanxi and 陕西 is Shaanxi at search
time, on every floor, without loading the gazetteer (half a second and two data
packages) for each query. So the gazetteer's Chinese forms are written once into a
small table beside `homeward/forms.py`; tests/test_entities.py checks that the table
is still what the gazetteer says. Remake it after a gazetteer change with

    .venv/bin/python -m pipelines.entities.place_forms
"""

from __future__ import annotations

import sys

from homeward.forms import PLACE_NAMES_FILE, fold_script
from pipelines.entities.places import gazetteer, is_cjk

CHINESE_WRITING = frozenset({"CN", "TW", "HK", "MO", "SG"})
HEADER = (
    "# Chinese place form (simplified) -> the gazetteer's English names, tab-separated.\n"
    "# Made by `python -m pipelines.entities.place_forms` from pipelines/entities/places.py;\n"
    "# do not edit by hand.\n"
)


def chinese_place_forms() -> dict[str, list[str]]:
    """Every Chinese form the gazetteer knows, folded to simplified, with the English
    names of its entries (sorted; a form shared by several places lists them all)."""
    table: dict[str, set[str]] = {}
    for form, entries in gazetteer().index.items():
        if not is_cjk(form):
            continue
        # 湖南 is Hunan, not also Kōnan in Japan (a GeoNames alternate name): where a
        # Chinese form names a country, a region or a place where Chinese is written,
        # that is the one meant, as the entity stage's own ranking would choose.
        near = [e for e in entries if e.kind != "city" or e.country in CHINESE_WRITING]
        table.setdefault(fold_script(form), set()).update(e.name for e in near or entries)
    return {form: sorted(names) for form, names in sorted(table.items())}


def render_table(table: dict[str, list[str]]) -> str:
    return HEADER + "".join(f"{form}\t" + "\t".join(names) + "\n" for form, names in table.items())


def main() -> int:
    PLACE_NAMES_FILE.write_text(render_table(chinese_place_forms()), encoding="utf-8")
    print(f"wrote {PLACE_NAMES_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
