"""Build the real-text Chinese entity evaluation set from Universal NER.

Run once, from a checkout of the two public corpora (their git directories):

    python bench/build_entities_real.py --gsdsimp DIR --pud DIR [--out DIR]

The set is written to ../shared/homeward-data/entities-real/ (or
$HOMEWARD_EVAL_DATA/entities-real/), never into the repository: it is data from
other repositories' snapshots (bench/data_sets.py).

Why these corpora: they are the only public, hand-annotated Chinese NER sets
found whose licence allows passing on an adaptation (CC BY-SA: Universal NER's
labels on the Universal Dependencies treebanks). The usual Chinese NER sets (MSRA,
People's Daily 1998/2014, CLUENER2020, Weibo) carry no licence at all, so no copy
of them may be passed on. See tests/data/entities-real/README.md.

What an "article" is: five consecutive sentences of one source document (the
entity stage scores per article, as sets). The text is the treebank's own
sentence text; the answers are the PER and LOC spans of the annotators, and the
ORG spans are kept so that scoring can leave alone a place named inside an
organisation (昆明市公安局: the annotators tag the whole as ORG, the stage finds 昆明). PUD is
in traditional characters and is kept twice: as written, and converted to
simplified with OpenCC (t2s), since most of the crawl is simplified.

Splits: `tune` (GSDSimp train and dev) may be looked at while improving rules;
`heldout` (GSDSimp test and PUD) is never tuned on; tests hold floors on it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data_sets import data_folder

SENTENCES_PER_ARTICLE = 5


@dataclass
class Sentence:
    doc: str
    text: str
    names: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)


def git_show(repo: Path, path: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "show", f"HEAD:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def read_iob2(source: str) -> Iterator[Sentence]:
    """Sentences of a UNER .iob2 file, each with its PER and LOC strings."""
    doc, text, tokens = "", "", []
    for line in [*source.splitlines(), ""]:
        if line.startswith("# newdoc id = "):
            doc = line.split("=", 1)[1].strip()
        elif line.startswith("# text = "):
            text = line.split("=", 1)[1].strip()
        elif line.strip() and not line.startswith("#"):
            parts = line.split("\t")
            tokens.append((parts[1], parts[2]))
        elif not line.strip() and tokens:
            yield _sentence(doc, text, tokens)
            tokens = []


def _sentence(doc: str, text: str, tokens: list[tuple[str, str]]) -> Sentence:
    sentence = Sentence(doc, text)
    spans: list[tuple[str, list[str]]] = []
    for word, tag in tokens:
        if tag.startswith("B-") or (
            tag.startswith("I-") and (not spans or spans[-1][0] != tag[2:])
        ):
            spans.append((tag[2:], [word]))
        elif tag.startswith("I-"):
            spans[-1][1].append(word)
        else:
            spans.append(("O", [word]))
    for kind, words in spans:
        if kind not in ("PER", "LOC", "ORG"):
            continue
        joined = "".join(words)
        value = joined if joined in text else " ".join(words)
        if value not in text:
            continue  # the tokens do not spell a string of the text (rare): skip
        {"PER": sentence.names, "LOC": sentence.places, "ORG": sentence.orgs}[kind].append(value)
    return sentence


def articles(sentences: list[Sentence], prefix: str) -> Iterator[dict]:
    """Groups of five sentences of one document, as gold-set records."""
    group: list[Sentence] = []
    number = 0

    def flush() -> dict:
        nonlocal number
        number += 1
        return {
            "id": f"{prefix}-{number:04d}",
            "language": "zh",
            "authors": [],
            "text": "".join(s.text for s in group),
            "names": _unique(n for s in group for n in s.names),
            "places": _unique(p for s in group for p in s.places),
            "orgs": _unique(o for s in group for o in s.orgs),
            "years": [],
        }

    for sentence in sentences:
        if group and (sentence.doc != group[0].doc or len(group) == SENTENCES_PER_ARTICLE):
            yield flush()
            group = []
        group.append(sentence)
    if group:
        yield flush()


def _unique(values: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(values))


def to_simplified(record: dict, converter) -> dict:
    """A PUD record in simplified characters; answers not found in the text dropped."""
    text = converter.convert(record["text"])
    convert = lambda values: [v for v in map(converter.convert, values) if v in text]  # noqa: E731
    return {
        **record,
        "id": record["id"].replace("pud-trad", "pud"),
        "text": text,
        "names": _unique(iter(convert(record["names"]))),
        "places": _unique(iter(convert(record["places"]))),
        "orgs": _unique(iter(convert(record["orgs"]))),
    }


def main() -> None:
    import opencc  # lazy: a build-time tool only

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gsdsimp", type=Path, required=True, help="UNER_Chinese-GSDSIMP git dir")
    parser.add_argument("--pud", type=Path, required=True, help="UNER_Chinese-PUD git dir")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: the shared data folder)"
    )
    args = parser.parse_args()
    gsd = {
        split: list(read_iob2(git_show(args.gsdsimp, f"zh_gsdsimp-ud-{split}.iob2")))
        for split in ("train", "dev", "test")
    }
    pud = list(read_iob2(git_show(args.pud, "zh_pud-ud-test.iob2")))
    converter = opencc.OpenCC("t2s")
    tune = [
        *articles(gsd["train"], "gsd-train"),
        *articles(gsd["dev"], "gsd-dev"),
    ]
    pud_trad = list(articles(pud, "pud-trad"))
    heldout = [
        *articles(gsd["test"], "gsd-test"),
        *(to_simplified(r, converter) for r in pud_trad),
    ]
    out_dir = args.out or data_folder("entities-real")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, records in (
        ("tune", tune),
        ("heldout", heldout),
        ("heldout-traditional", pud_trad),
    ):
        path = out_dir / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        names = sum(len(r["names"]) for r in records)
        places = sum(len(r["places"]) for r in records)
        chars = sum(len(r["text"]) for r in records)
        print(
            f"{path}: {len(records)} articles, {chars} characters, {names} names, {places} places"
        )


if __name__ == "__main__":
    sys.exit(main())
