"""The widget's static files: every text it shows comes from texts.fr.json (FALC-checked)."""

from __future__ import annotations

import json
import re
from pathlib import Path

WIDGET = Path(__file__).resolve().parents[2] / "web_widget"
PICTOGRAMS = "calendar document lock phone help doctor child emergency message voice check warning"


def texts() -> dict[str, str]:
    return json.loads((WIDGET / "texts.fr.json").read_text(encoding="utf-8"))


def test_every_text_key_the_widget_uses_exists() -> None:
    source = (WIDGET / "widget.js").read_text(encoding="utf-8")
    used = set(
        re.findall(r"""(?:\bt|this\.text|self\.text|say)\(\s*"([a-z0-9_.]+)"\s*\)""", source)
    )
    assert "widget.send" in used and "widget.offline" in used  # the pattern finds them
    missing = used - set(texts())
    assert not missing, missing
    for template in ("index.html", "embed.html"):
        page = (WIDGET / template).read_text(encoding="utf-8")
        keys = set(re.findall(r"\{\{(?:lines:)?([a-z0-9_.]+)\}\}", page))
        assert keys and not keys - set(texts()), template


def test_every_pictogram_has_a_drawing_and_an_alt_text() -> None:
    for name in PICTOGRAMS.split():
        svg = (WIDGET / "pictograms" / f"{name}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and 'viewBox="0 0 64 64"' in svg
        assert texts()[f"picto.{name}"].strip()
