#!/usr/bin/env bash
# NLU benchmark (SPEC §7): 3-fold cross-validation of the NLU pipeline in config.yml on
# data/nlu. Rasa's raw reports go to results/nlu-cv (not committed); the summary numbers go
# to benchmarks/nlu-cross-validation.json and .md, which are committed with the data change.
# SUMMARY_ONLY=1 rewrites the two files from the reports already in results/nlu-cv.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
FOLDS=${FOLDS:-3}
OUT=results/nlu-cv
mkdir -p "$OUT" benchmarks
if [ "${SUMMARY_ONLY:-0}" = 1 ]; then
  seconds=$(.venv-rasa/bin/python -c \
    'import json; print(json.load(open("benchmarks/nlu-cross-validation.json"))["wall_clock_seconds"])')
else
  rm -f "$OUT"/*.json
  start=$(date +%s)
  .venv-rasa/bin/rasa test nlu --cross-validation --folds "$FOLDS" --config config.yml \
    --nlu data/nlu --out "$OUT"
  seconds=$(( $(date +%s) - start ))
fi

.venv-rasa/bin/python - "$OUT" "$FOLDS" "$seconds" <<'PY'
"""Turn Rasa's cross-validation reports into the committed benchmark files."""

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

out, folds, seconds = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
report = json.loads((out / "intent_report.json").read_text())
summary_keys = {"accuracy", "macro avg", "weighted avg", "micro avg"}
per_intent = {
    name: {
        "precision": round(v["precision"], 4),
        "recall": round(v["recall"], 4),
        "f1": round(v["f1-score"], 4),
        "support": v["support"],
    }
    for name, v in sorted(report.items())
    if name not in summary_keys and isinstance(v, dict)
}
# secret_ok/secret_failed are literal gateway tokens: trivially perfect, so report the
# macro-F1 without them too.
user = [v["f1"] for k, v in per_intent.items() if not k.startswith("secret_")]
errors = json.loads((out / "intent_errors.json").read_text()) if (
    out / "intent_errors.json"
).exists() else []
confusions = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
entities = {}
diet = out / "DIETClassifier_report.json"
if diet.exists():
    ents = json.loads(diet.read_text())
    entities = {
        k: {"f1": round(v["f1-score"], 4), "support": v["support"]}
        for k, v in sorted(ents.items())
        if isinstance(v, dict) and k not in summary_keys
    }
    entities["macro avg"] = {"f1": round(ents["macro avg"]["f1-score"], 4)}
# The same errors counted on the hand-written test examples only: the generated SMS/voice
# variants are left out of the test side, so a fold no longer scores a re-spelling of a
# sentence it trained on.
generated = {
    m.get("text")
    for m in load_data("data/nlu/variants.yml").nlu_examples
    if m.get("intent")
}
hand = Counter(
    m.get("intent")
    for m in load_data("data/nlu").nlu_examples
    if m.get("intent") and m.get("text") not in generated
)
missed, wrong = Counter(), Counter()
for e in errors:
    if e["text"] not in generated:
        missed[e["intent"]] += 1
        wrong[e["intent_prediction"]["name"]] += 1
hand_f1 = {}
for name, support in hand.items():
    hit = support - missed[name]
    precision = hit / (hit + wrong[name]) if hit + wrong[name] else 0.0
    recall = hit / support
    hand_f1[name] = 2 * precision * recall / (precision + recall) if hit else 0.0
commit = subprocess.run(
    ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
).stdout.strip()
result = {
    "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    "git_commit": commit,
    "command": "rasa test nlu --cross-validation --folds "
    f"{folds} --config config.yml --nlu data/nlu --out results/nlu-cv",
    "folds": folds,
    "examples": sum(v["support"] for v in per_intent.values()),
    "intents": len(per_intent),
    "intent_macro_f1": round(report["macro avg"]["f1-score"], 4),
    "intent_macro_f1_without_secret_tokens": round(sum(user) / len(user), 4),
    "intent_weighted_f1": round(report["weighted avg"]["f1-score"], 4),
    "intent_accuracy": round(report["accuracy"], 4),
    "hand_written_examples": sum(hand.values()),
    "intent_macro_f1_hand_written_only": round(sum(hand_f1.values()) / len(hand_f1), 4),
    "wall_clock_seconds": seconds,
    "per_intent": per_intent,
    "per_intent_f1_hand_written_only": {k: round(v, 4) for k, v in sorted(hand_f1.items())},
    "top_confusions": [
        {"intent": a, "predicted": b, "count": n} for (a, b), n in confusions.most_common(15)
    ],
    "entities": entities,
}
Path("benchmarks/nlu-cross-validation.json").write_text(
    json.dumps(result, indent=2, ensure_ascii=False) + "\n"
)

lines = [
    "# NLU cross-validation",
    "",
    f"`{result['command']}` — {result['date']}, commit {commit}, "
    f"{result['examples']} examples, {result['intents']} intents, "
    f"{seconds} s wall clock (shared 2-core machine).",
    "",
    "| measure | value |",
    "|---|---|",
    f"| intent macro-F1 | {result['intent_macro_f1']:.3f} |",
    f"| intent macro-F1 without the secret tokens | "
    f"{result['intent_macro_f1_without_secret_tokens']:.3f} |",
    f"| intent macro-F1, hand-written test examples only "
    f"({result['hand_written_examples']}) | {result['intent_macro_f1_hand_written_only']:.3f} |",
    f"| intent weighted F1 | {result['intent_weighted_f1']:.3f} |",
    f"| intent accuracy | {result['intent_accuracy']:.3f} |",
]
if entities:
    lines.append(f"| entity macro-F1 (DIET) | {entities['macro avg']['f1']:.3f} |")
lines += [
    "",
    "## Per intent",
    "",
    "| intent | precision | recall | F1 | support | F1 hand-written only |",
    "|---|---|---|---|---|---|",
]
for name, v in sorted(per_intent.items(), key=lambda kv: kv[1]["f1"]):
    lines.append(
        f"| {name} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} "
        f"| {hand_f1.get(name, 0):.3f} |"
    )
if result["top_confusions"]:
    lines += ["", "## Most frequent confusions", "", "| intent | predicted as | count |", "|---|---|---|"]
    lines += [f"| {c['intent']} | {c['predicted']} | {c['count']} |" for c in result["top_confusions"]]
if entities:
    lines += ["", "## Entities", "", "| entity | F1 | support |", "|---|---|---|"]
    lines += [
        f"| {k} | {v['f1']:.3f} | {v.get('support', '')} |" for k, v in entities.items()
    ]
lines += [
    "",
    "## How to read these numbers",
    "",
    "- data/nlu/variants.yml holds SMS and voice re-spellings generated from the hand-written",
    "  examples. A fold may test a sentence whose re-spelling it trained on, so cross-validation",
    "  is optimistic. The hand-written-only line leaves the variants out of the test side (a",
    "  fold may still have trained on the re-spelling of a sentence it tests).",
    "  tests/nlu/test_heldout.py measures the model on sentences it never saw.",
    "- nlu_fallback (confidence under 0.5, or two intents too close) counts as an error here.",
]
Path("benchmarks/nlu-cross-validation.md").write_text("\n".join(lines) + "\n")
print(
    f"intent macro-F1 {result['intent_macro_f1']:.3f} "
    f"(without secret tokens {result['intent_macro_f1_without_secret_tokens']:.3f}), "
    f"accuracy {result['intent_accuracy']:.3f} -> benchmarks/nlu-cross-validation.md"
)
PY
