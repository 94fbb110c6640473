"""The assistant's fixed answers, read from the Rasa domain, so they can be pre-rendered at start.

A response is fixed when its text has no `{slot}` placeholder: the same words every time, so the
same audio file. Answers with values (dates, names) are rendered on demand and then cached.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

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
