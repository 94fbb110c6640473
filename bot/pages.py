"""The front page and the embedding demo, filled with the texts of web_widget/texts.fr.json.

Page texts stay in that one file so the FALC linter checks them with the widget's labels.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

PLACEHOLDER = re.compile(r"\{\{(lines:)?([a-z0-9_.]+)\}\}")


@lru_cache(maxsize=8)
def render(template: Path, texts_file: Path) -> str:
    texts: dict[str, str] = json.loads(texts_file.read_text(encoding="utf-8"))

    def fill(match: re.Match[str]) -> str:
        value = texts.get(match.group(2), "")
        if match.group(1):  # one sentence per line, as the widget shows it
            return "\n".join(
                f'<p class="page-line">{html.escape(line)}</p>'
                for line in value.split("\n")
                if line.strip()
            )
        return html.escape(value)

    return PLACEHOLDER.sub(fill, template.read_text(encoding="utf-8"))
