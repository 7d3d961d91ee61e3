"""Train the model that decides which Chinese PER mentions are names (names.NameModel).

Run `python bench/train_chinese_names.py [--write]`. It reads only the `tune` split
of the real-text set (../shared/homeward-data/entities-real/; the held-out splits are never
read here), tags each article with LAC (`models.chinese_tagging`), and collects the
evidence for each mention (`names.chinese_candidates`): how sure the model was, how
often it tagged the string, whether the dictionary and gazetteer filters pass it,
its shape. A logistic regression over that evidence is measured by 5-fold
cross-validation over contiguous blocks of articles (an article's neighbours come
from the same document, so they stay in one fold), scored exactly as the stage
scores (`score_real` after `merge_names`), and printed as a precision/recall curve
next to the filters alone. The threshold with the best cross-validated F1 is kept;
with `--write` the model fitted on the whole split and that threshold are written
to pipelines/entities/zh_names_model.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from bench.score_entities import GoldArticle, load_real, normal_name, score_real
from pipelines.entities import Entities
from pipelines.entities.models import ChineseTagging, chinese_tagging
from pipelines.entities.names import (
    NAME_MODEL_PATH,
    NameModel,
    chinese_candidates,
    chinese_names,
    merge_names,
)

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)
FOLDS = 5
REGULARISATION = 1.0  # sklearn's C


def fit(evidence: list[dict[str, float]], labels: list[bool]) -> NameModel:
    vectors = DictVectorizer()
    model = LogisticRegression(C=REGULARISATION, max_iter=5000)
    model.fit(vectors.fit_transform(evidence), labels)
    weights = dict(zip(vectors.feature_names_, map(float, model.coef_[0]), strict=True))
    return NameModel(weights, float(model.intercept_[0]), 0.5)


def figures(gold: list[GoldArticle], kept: list[list[str]]) -> tuple[float, float, float]:
    counts = score_real(gold, [Entities(names=merge_names(k)) for k in kept])["names"]
    return counts.precision, counts.recall, counts.f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {NAME_MODEL_PATH.name}")
    args = parser.parse_args()
    gold = load_real("tune")
    tagged: list[ChineseTagging] = [chinese_tagging(a.text) for a in gold]
    candidates = [
        chinese_candidates(a.text, t.words, t.person) for a, t in zip(gold, tagged, strict=True)
    ]
    labels = [
        {m: normal_name(m) in {normal_name(n) for n in a.names} for m in c}
        for a, c in zip(gold, candidates, strict=True)
    ]
    rules = [chinese_names(a.text, t.words) for a, t in zip(gold, tagged, strict=True)]
    p, r, f = figures(gold, rules)
    print(f"tune, {len(gold)} articles; filters alone: P {p:.3f} R {r:.3f} F1 {f:.3f}")

    scores: list[dict[str, float]] = [{} for _ in gold]
    for train, test in KFold(FOLDS).split(gold):
        model = fit(
            [e for i in train for e in candidates[i].values()],
            [y for i in train for y in labels[i].values()],
        )
        for i in test:
            scores[i] = {m: model.score(e) for m, e in candidates[i].items()}
    print(f"model, {FOLDS}-fold cross-validated:")
    best = (0.0, 0.5)
    for threshold in THRESHOLDS:
        kept = [[m for m, s in article.items() if s >= threshold] for article in scores]
        p, r, f = figures(gold, kept)
        print(f"  threshold {threshold:.2f}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
        best = max(best, (f, threshold))
    print(f"best cross-validated F1 {best[0]:.3f} at threshold {best[1]:.2f}")

    final = fit(
        [e for c in candidates for e in c.values()], [y for lab in labels for y in lab.values()]
    )
    if args.write:
        record = {
            "trained_on": (
                "entities-real/tune.jsonl in ../shared/homeward-data (bench/train_chinese_names.py)"
            ),
            "cross_validated_f1": round(best[0], 4),
            "threshold": best[1],
            "bias": round(final.bias, 6),
            "weights": {k: round(v, 6) for k, v in sorted(final.weights.items())},
        }
        NAME_MODEL_PATH.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {NAME_MODEL_PATH}")


if __name__ == "__main__":
    main()
