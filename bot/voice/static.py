"""The product's fixed texts: the Rasa domain's responses, the gateway's messages and the
widget's texts, so they can be pre-rendered at start and told apart from personal answers.

A text is fixed when it has no `{slot}` placeholder: the same words every time, so the same
audio file, and nothing personal in it. Answers with values (dates, names) are rendered on
demand and then cached.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]

_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def domain_files(root: Path) -> list[Path]:
    """domain.yml and, when the domain is split, domain/*.yml."""
    files = [root / "domain.yml"] if (root / "domain.yml").is_file() else []
    if (root / "domain").is_dir():
        files += sorted((root / "domain").glob("**/*.yml"))
    return files


def static_responses(files: Iterable[Path]) -> list[str]:
    """Texts of every response variant without placeholders, once each, in domain order."""
    seen: dict[str, None] = {}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        responses = data.get("responses") or {}
        for variants in responses.values():
            for variant in variants or []:
                text = variant.get("text") if isinstance(variant, dict) else None
                if isinstance(text, str) and text.strip() and not _PLACEHOLDER.search(text):
                    seen.setdefault(text, None)
    return list(seen)


def gateway_messages(path: Path) -> list[str]:
    """The texts of `MESSAGES` in the gateway's messages module, read as data (the voice
    component imports nothing of the gateway, as the FALC linter reads it too)."""
    if not path.is_file():
        return []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "MESSAGES" and node.value is not None:
            messages = ast.literal_eval(node.value)
            return [text for text in messages.values() if isinstance(text, str)]
    raise ValueError(f"{path}: no MESSAGES dictionary of plain strings")


def product_fixed_texts(root: Path = PROJECT_ROOT) -> list[str]:
    """Every text the product knows in advance, without placeholders: domain responses, the
    gateway's messages (bot/messages.py) and the widget's texts (web_widget/texts.fr.json)."""
    texts = static_responses(domain_files(root))
    texts += [
        t for t in gateway_messages(root / "bot" / "messages.py") if not _PLACEHOLDER.search(t)
    ]
    widget = root / "web_widget" / "texts.fr.json"
    if widget.is_file():
        values = json.loads(widget.read_text(encoding="utf-8")).values()
        texts += [v for v in values if isinstance(v, str) and not _PLACEHOLDER.search(v)]
    return texts
