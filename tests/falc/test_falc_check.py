"""Exceptions, levels, the Kandel–Moles score and the command line."""

import json
import subprocess
import sys
from pathlib import Path

import pyphen
import pytest
import textstat

from bot.falc.__main__ import main
from bot.falc.check import check_all, check_text, kandel_moles
from bot.falc.collect import Text

ROOT = Path(__file__).resolve().parents[2]


def rules_of(text: Text, active_only: bool = True) -> list[str]:
    res = check_text(text)
    return [f.rule for f in (res.active if active_only else res.findings)]


def test_exception_allows_the_rule_and_is_counted():
    t = Text("x", "domain.yml", 1, "Mon espace santé est maintenant créé.")
    assert "passive" in rules_of(t)
    t.allow = {"passive": "phrase de la brochure"}
    assert "passive" not in rules_of(t)
    report = check_all([t], ["domain.yml"])
    assert report.summary()["exceptions"] == 1 and not report.failed


def test_unknown_rule_unused_and_malformed_exceptions():
    t = Text("x", "domain.yml", 1, "Votre espace est prêt.", allow={"pasive": "faute"})
    assert "exception" in rules_of(t)
    t = Text("x", "domain.yml", 1, "Votre espace est prêt.", allow={"passive": "inutile"})
    [f] = check_text(t).findings
    assert f.rule == "exception" and f.level == "warning"
    t = Text("x", "domain.yml", 1, "Votre espace est prêt.", bad_exceptions=["no reason"])
    assert check_all([t], []).failed


def test_kandel_moles_is_textstat_french_flesch():
    # textstat's French Flesch is Kandel & Moles (1958): 207 - 1.015 ASL - 73.6 ASW.
    text = "Je choisis de recevoir un code par SMS ou par mail."
    textstat.set_lang("fr")
    dic = pyphen.Pyphen(lang="fr")
    words = text.rstrip(".").split()
    syll = sum(len(dic.positions(w.lower())) + 1 for w in words)
    expected = 207 - 1.015 * len(words) - 73.6 * syll / len(words)
    assert kandel_moles([text]) == pytest.approx(expected)
    assert textstat.flesch_reading_ease(text) == pytest.approx(expected)


def test_brochure_scores_higher_than_administrative_french():
    easy = kandel_moles(["Je reçois un nouveau code par SMS ou par mail."])
    hard = kandel_moles(
        [
            "Conformément aux dispositions réglementaires, l'authentification préalable "
            "nécessite l'utilisation d'identifiants personnels."
        ]
    )
    assert easy >= 75 > hard


def test_low_average_fails_the_run():
    hard = Text(
        "x",
        "domain.yml",
        1,
        "L'authentification nécessite obligatoirement l'identification préalable.",
    )
    report = check_all([hard], ["domain.yml"])
    assert [f.rule for f in report.global_findings] == ["kandel-moles"]
    assert report.failed


def test_cli_on_a_clean_and_a_broken_project(tmp_path, capsys):
    (tmp_path / "domain.yml").write_text(
        'responses:\n  utter_ok:\n    - text: "Je vous aide.\\nQue voulez-vous faire ?"\n',
        encoding="utf-8",
    )
    summary = tmp_path / "results" / "falc-summary.json"
    assert main(["check", "--root", str(tmp_path), "--summary-file", str(summary)]) == 0
    out = capsys.readouterr().out
    assert "texts checked               1" in out and "FALC check: passed" in out
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["texts_checked"] == 1 and data["average_words_per_sentence"] == 3.0
    assert data["average_kandel_moles"] > 75 and data["failed"] is False

    (tmp_path / "domain.yml").write_text(
        'responses:\n  utter_bad:\n    - text: "Votre rdv est le 03/12."\n', encoding="utf-8"
    )
    assert main(["check", "--root", str(tmp_path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    [text] = report["texts"]
    assert text["id"] == "utter_bad[0].text" and text["source"] == "domain.yml"
    assert {"abbreviation", "date-format"} <= {f["rule"] for f in text["findings"]}
    assert report["summary"]["failures_per_rule"]["abbreviation"]["error"] == 1

    (tmp_path / "domain.yml").write_text("responses: [\n", encoding="utf-8")
    assert main(["check", "--root", str(tmp_path)]) == 2


def test_whole_project_runs_fast():
    # The real command on the real tree, as `make test` runs it (pass or fail is the
    # job of the "FALC linter" step; here: it runs, reads the places, and is quick).
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-m", "bot.falc", "check", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode in (0, 1), proc.stderr
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time, not wall time: the CI machine is shared, the linter itself must stay cheap.
    assert (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) < 10
    assert json.loads(proc.stdout)["summary"]["texts_checked"] > 0
