"""Where the evaluation data sets built from other projects' repositories live.

The real-page extraction set and the real-text Chinese entity set are made from
snapshots of public repositories (see their builders). Data of that kind is kept
out of this repository, in the steering repository's shared folder next to the
checkout (`../shared/homeward-data/<set>/`), or wherever `HOMEWARD_EVAL_DATA`
points. Every script and test finds a set through `shared_data`, so a missing set
is named once, the same way, with the command that rebuilds it.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "HOMEWARD_EVAL_DATA"
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "homeward-data"

# set -> (a file the set cannot be read without, the script that builds the set)
DATA_SETS = {
    "extraction-real": ("truth.json", "bench/build_extraction_real.py"),
    "entities-real": ("heldout.jsonl", "bench/build_entities_real.py"),
}


class MissingDataSet(FileNotFoundError):
    """An evaluation set is not where it is looked for; the message says how to get it."""


def data_folder(name: str) -> Path:
    """Where set `name` is looked for (and built): `$HOMEWARD_EVAL_DATA/<name>` or the default.

    Read on every call, so a changed environment takes effect at once.
    """
    configured = os.environ.get(DATA_ENV)
    return (Path(configured) if configured else DEFAULT_DATA) / name


def shared_data(name: str) -> Path:
    """The folder of evaluation set `name`; raises MissingDataSet when it is not there."""
    if name not in DATA_SETS:
        raise ValueError(f"unknown evaluation data set {name!r}; known: {sorted(DATA_SETS)}")
    folder = data_folder(name)
    needed, builder = DATA_SETS[name]
    if not (folder / needed).is_file():
        raise MissingDataSet(
            f"evaluation data set {name!r} not found: no {needed} in {folder}. "
            f"Set {DATA_ENV} to the folder that holds {name}/ (default "
            f"../shared/homeward-data next to the checkout), or rebuild it with "
            f"`.venv/bin/python {builder}` (see tests/data/{name}/README.md)"
        )
    return folder
