"""Find user-facing French text that lives outside the places the linter reads.

docs/contracts.md fixes where texts live. A French sentence written anywhere else (an action
that calls `utter_message(text=...)`, a gateway reply built in a router, a label in the
widget's JavaScript or HTML) would escape the FALC checks, so this scanner looks for French
string literals in the code and names them.

"Looks French" is a heuristic: several words, French small words ("le", "vous", "pour"…) and
accents. It skips comments, docstrings, log calls and developer-facing API documentation
(`description=`, `summary=`…). Known non-user texts are listed with a reason in
data/places_ignore.yml.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import yaml

from bot.falc.collect import Text, place_files
from bot.falc.lexicon import DATA
from bot.falc.text import PLACEHOLDER_RE

EXCLUDED_DIRS = {
    ".git", "var", "tests", "docs", "node_modules", "results", "models", "__pycache__",
    ".ruff_cache", ".pytest_cache", ".rasa", ".hypothesis", ".ci", "scripts",
}  # fmt: skip
STOP_WORDS = {
    "le", "la", "les", "l'", "de", "des", "du", "d'", "un", "une", "et", "est", "à", "au", "aux",
    "pour", "pas", "ne", "n'", "vous", "votre", "vos", "je", "j'", "nous", "il", "elle", "ce",
    "c'", "cette", "qui", "que", "qu'", "sur", "avec", "dans", "mon", "ma", "mes", "plus", "ou",
    "où", "par", "êtes", "sont", "être", "avez", "pouvez", "été", "ici", "merci", "bonjour",
}  # fmt: skip
_ACCENTS = re.compile(r"[àâçéèêëîïôûùüÿœÀÂÇÉÈÊËÎÏÔÛÙÜŸŒ]")
_DEV_KWARGS = {"description", "summary", "help", "deprecated", "examples", "example", "metavar"}
_DEV_CALLS = re.compile(r"(^|\.)(FastAPI|APIRouter|Field|Query|Path|Body|Header|Form|File|Cookie)$")
_LOG_CALLS = re.compile(
    r"(^|\.)(log|logger|logging|warn|warning|debug|info|error|exception|critical|print)\b"
)


@dataclass(frozen=True)
class Stray:
    """A French text found outside the places."""

    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text[:80]!r}"


_REGEX_LIKE = re.compile(r"\\[bdswBDSW]|\(\?[:=!<P]|\[\^|\\\.|\|\w+\)")


def looks_french(s: str) -> bool:
    if _REGEX_LIKE.search(s):
        return False  # a regular expression that matches French, not a text
    s = PLACEHOLDER_RE.sub(" ", s).replace("’", "'")
    words = re.findall(r"[A-Za-zÀ-ÿœŒ]+'?", s)
    if len(words) < 2:
        return False
    hits = sum(1 for w in words if w.lower() in STOP_WORDS)
    accent = bool(_ACCENTS.search(s))
    return (len(words) >= 3 and hits >= 2) or (hits >= 1 and accent)


# ------------------------------------------------------------------ Python


class _PyScanner(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.skip: set[int] = set()

    def _docstring(self, body: list[ast.stmt]) -> None:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.skip.add(id(body[0].value))

    def visit_Module(self, node: ast.Module) -> None:
        self._docstring(node.body)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._docstring(node.body)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._docstring(node.body)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        fn = ast.unparse(node.func)
        if _LOG_CALLS.search(fn):
            return
        for kw in node.keywords:
            if kw.arg in _DEV_KWARGS or (kw.arg == "title" and _DEV_CALLS.search(fn)):
                self.skip.add(id(kw.value))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if id(node) not in self.skip and isinstance(node.value, str) and looks_french(node.value):
            self.found.append((node.lineno, node.value))

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        if id(node) in self.skip:
            return
        text = "".join(
            v.value if isinstance(v, ast.Constant) else "{x}" for v in node.values
        )  # fmt: skip
        if looks_french(str(text)):
            self.found.append((node.lineno, str(text)))


def scan_python(path: Path) -> list[tuple[int, str]]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return []
    s = _PyScanner()
    s.visit(tree)
    return s.found


# ------------------------------------------------------------------ JavaScript, HTML, JSON

_JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'\\])//[^\n]*", re.S)
_JS_STRING = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`", re.S)


def scan_js(source: str, first_line: int = 1) -> list[tuple[int, str]]:
    code = _JS_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    out = []
    for m in _JS_STRING.finditer(code):
        s = next(g for g in m.groups() if g is not None)
        s = re.sub(r"\$\{[^}]*\}", "{x}", s)
        s = re.sub(r"<[^>]+>", " ", s)  # HTML inside a template string: keep its text
        if looks_french(s):
            out.append((first_line + code.count("\n", 0, m.start()), s))
    return out


class _HTMLScanner(HTMLParser):
    USER_ATTRS = {"alt", "title", "aria-label", "placeholder", "aria-description", "content"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.in_script = False
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        self.in_style = tag == "style"
        for k, v in attrs:
            if k in self.USER_ATTRS and v and looks_french(v):
                self.found.append((self.getpos()[0], v))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self.in_script = self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            return
        if self.in_script:
            self.found.extend(scan_js(data, self.getpos()[0]))
        elif looks_french(data):
            self.found.append((self.getpos()[0], " ".join(data.split())))


def scan_html(source: str) -> list[tuple[int, str]]:
    p = _HTMLScanner()
    p.feed(source)
    return p.found


def scan_json(source: str) -> list[tuple[int, str]]:
    try:
        data = json.loads(source)
    except json.JSONDecodeError:
        return []
    out: list[tuple[int, str]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str) and looks_french(node):
            line = next((i + 1 for i, ln in enumerate(source.split("\n")) if node[:30] in ln), 1)
            out.append((line, node))

    walk(data)
    return out


def scan_yaml_responses(source: str) -> list[tuple[int, str]]:
    """Rasa files outside the domain (NLU, stories, rules) must not define responses."""
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError:
        return []
    if isinstance(data, dict) and data.get("responses"):
        return [(1, f"responses defined here: {', '.join(list(data['responses'])[:5])}")]
    return []


# ------------------------------------------------------------------ the whole tree


def _entries() -> list[dict]:
    with open(DATA / "places_ignore.yml", encoding="utf-8") as f:
        return yaml.safe_load(f) or []


def _ignored(checked: bool | None = None) -> list[tuple[str, re.Pattern[str] | None]]:
    return [
        (e["path"], re.compile(e["text"]) if e.get("text") else None)
        for e in _entries()
        if checked is None or bool(e.get("check")) == checked
    ]


def _is_ignored(rel: str, text: str, ignored: list[tuple[str, re.Pattern[str] | None]]) -> bool:
    for pattern, rx in ignored:
        if Path(rel).match(pattern) or rel == pattern or rel.startswith(pattern.rstrip("*")):
            if rx is None or rx.search(text):
                return True
    return False


_SUFFIXES = {".py", ".js", ".mjs", ".ts", ".html", ".htm", ".json", ".yml", ".yaml"}


def candidate_files(root: Path) -> list[Path]:
    """Source files of the project, without walking into virtual environments or data."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in EXCLUDED_DIRS
            and not d.startswith(".venv")
            and (rel_dir / d).as_posix() != "bot/falc"
        )
        out.extend(Path(dirpath) / f for f in sorted(filenames) if Path(f).suffix in _SUFFIXES)
    return out


def scan_file(path: Path) -> list[tuple[int, str]]:
    try:
        source = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    suffix = path.suffix
    if suffix == ".py":
        return scan_python(path)
    if suffix in {".js", ".mjs", ".ts"}:
        return scan_js(source)
    if suffix in {".html", ".htm"}:
        return scan_html(source)
    if suffix == ".json":
        return scan_json(source)
    return scan_yaml_responses(source)


def find_strays(root: Path) -> list[Stray]:
    """French texts outside the places (minus the ignore list)."""
    places = {p.resolve() for p in place_files(root)}
    ignored = _ignored()
    strays = []
    for p in candidate_files(root):
        if p.resolve() in places:
            continue
        rel = p.relative_to(root).as_posix()
        for line, text in scan_file(p):
            if not _is_ignored(rel, text, ignored):
                strays.append(Stray(rel, line, text))
    return strays


def known_stray_texts(root: Path) -> list[Text]:
    """French texts in files the ignore list marks `check: true`: texts outside the contract's
    places that were reported to their owners. Until they move, the linter checks them here."""
    checked = _ignored(checked=True)
    out = []
    for p in candidate_files(root):
        rel = p.relative_to(root).as_posix()
        for n, (line, text) in enumerate(scan_file(p)):
            if _is_ignored(rel, text, checked):
                out.append(Text(f"{rel}#{n}", rel, line, text))
    return out
