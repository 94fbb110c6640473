"""Collect every user-facing text from the places docs/contracts.md lists.

Every place must exist (a test checks it: a renamed file would silently leave the checks), and
a place that cannot be parsed is an error (CollectError), for the same reason.

Exceptions are written next to the text:
- YAML and Python: a comment `# falc: allow <rule>[, <rule>] — <reason>` on the line(s) just
  above the text (in domain.yml also above the `- text:` item or above the `utter_…:` name,
  which covers all its variations);
- JSON: a `"_falc_exceptions": {"<key>": "<rule> — <reason>"}` object beside the key.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PLACES = (
    "domain.yml",
    "records/messages.py",
    "records/messages_*.py",
    "bot/messages.py",
    "web_widget/texts.fr.json",
    "web_console/texts.fr.json",
    "actions/formatting.py",
)
# Modules where only some names hold user-facing words: the fragments that fill the
# placeholders of responses ("{professional}" -> "le médecin des yeux", day and month names).
# They are checked as labels (word rules), the whole message is checked in the domain.
FRAGMENT_NAMES = {"actions/formatting.py": ("PROFESSIONAL_WORDS", "DAYS", "MONTHS")}

EXCEPTION_RE = re.compile(r"#\s*falc:\s*allow\b(.*)$")
_EXC_BODY_RE = re.compile(
    r"^\s*([a-z][a-z\-]*(?:\s*,\s*[a-z][a-z\-]*)*)\s*(?:—|–|--|-|:)\s*(\S.*)$"
)

# Keys of a Rasa `custom` payload (or of any nested dict) whose values people see.
CUSTOM_TEXT_KEYS = {
    "text", "title", "label", "alt", "alt_text", "message", "caption", "body", "subject",
    "placeholder", "aria_label", "description", "prompt", "hint",
}  # fmt: skip


class CollectError(Exception):
    """A place exists but cannot be read: its texts would escape the checks."""


@dataclass
class Text:
    id: str
    source: str
    line: int
    text: str
    # "message": a chat bubble or an SMS; "document": an email or a PDF (no bubble limits);
    # "label": a button title, a subject line or a widget label.
    kind: str = "message"
    paragraphs: bool = False  # emails: each blank-line paragraph is one bubble
    allow: dict[str, str] = field(default_factory=dict)  # rule -> reason
    bad_exceptions: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


def parse_exception(comment: str) -> tuple[dict[str, str], str | None]:
    """Parse the part after `falc: allow`; return ({rule: reason}, error message or None)."""
    m = EXCEPTION_RE.search(comment)
    if not m:
        return {}, None
    body = _EXC_BODY_RE.match(m.group(1))
    if not body:
        return {}, f"exception without a rule and a reason: {comment.strip()!r}"
    rules = [r.strip() for r in body.group(1).split(",")]
    return {r: body.group(2).strip() for r in rules}, None


def _comments_above(lines: list[str], idx: int) -> list[str]:
    """The contiguous comment lines right above 0-based line idx."""
    out = []
    k = idx - 1
    while k >= 0 and lines[k].strip().startswith("#"):
        out.append(lines[k])
        k -= 1
    return out


def _apply_exceptions(text: Text, comments: list[str]) -> None:
    for c in comments:
        allow, err = parse_exception(c)
        text.allow.update(allow)
        if err:
            text.bad_exceptions.append(err)


# ------------------------------------------------------------------ domain.yml


def collect_domain(path: Path, rel: str) -> list[Text]:
    raw = path.read_text(encoding="utf-8")
    lines = raw.split("\n")
    try:
        root = yaml.compose(raw)
    except yaml.YAMLError as e:
        raise CollectError(f"{rel}: cannot parse YAML: {e}") from e
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise CollectError(f"{rel}: the domain must be a mapping")
    out: list[Text] = []
    for key, value in root.value:
        if key.value != "responses":
            continue
        if not isinstance(value, yaml.MappingNode):
            raise CollectError(f"{rel}: 'responses' must be a mapping")
        for name_node, variations in value.value:
            name = name_node.value
            if not isinstance(variations, yaml.SequenceNode):
                raise CollectError(f"{rel}:{name_node.start_mark.line + 1}: {name} needs a list")
            above_name = _comments_above(lines, name_node.start_mark.line)
            for n, var in enumerate(variations.value):
                if not isinstance(var, yaml.MappingNode):
                    raise CollectError(f"{rel}:{var.start_mark.line + 1}: bad variation")
                above_item = _comments_above(lines, var.start_mark.line)
                for k, v in var.value:
                    base = f"{name}[{n}]"
                    if k.value == "text" and isinstance(v, yaml.ScalarNode):
                        t = Text(f"{base}.text", rel, k.start_mark.line + 1, str(v.value))
                        out.append(t)
                    elif k.value == "buttons" and isinstance(v, yaml.SequenceNode):
                        for b, btn in enumerate(v.value):
                            for bk, bv in getattr(btn, "value", []):
                                if bk.value == "title" and isinstance(bv, yaml.ScalarNode):
                                    t = Text(
                                        f"{base}.buttons[{b}].title",
                                        rel,
                                        bk.start_mark.line + 1,
                                        str(bv.value),
                                        kind="label",
                                    )
                                    out.append(t)
                                    _apply_exceptions(
                                        t, _comments_above(lines, btn.start_mark.line)
                                    )
                                    _apply_exceptions(t, _comments_above(lines, bk.start_mark.line))
                                    _apply_exceptions(t, above_item + above_name)
                        continue
                    elif k.value == "custom":
                        for cid, node in _custom_texts(v, f"{base}.custom"):
                            t = Text(cid, rel, node.start_mark.line + 1, str(node.value))
                            out.append(t)
                            _apply_exceptions(t, _comments_above(lines, node.start_mark.line))
                            _apply_exceptions(t, above_item + above_name)
                        continue
                    else:
                        continue
                    if k.start_mark.line != var.start_mark.line:
                        _apply_exceptions(t, _comments_above(lines, k.start_mark.line))
                    _apply_exceptions(t, above_item + above_name)
    return out


def _custom_texts(node: yaml.Node, path: str) -> Iterator[tuple[str, yaml.ScalarNode]]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            sub = f"{path}.{k.value}"
            if isinstance(v, yaml.ScalarNode) and k.value in CUSTOM_TEXT_KEYS:
                if v.tag.endswith(":str") and str(v.value).strip():
                    yield sub, v
            else:
                yield from _custom_texts(v, sub)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            yield from _custom_texts(v, f"{path}[{i}]")


# ------------------------------------------------------------------ Python message modules

_CODE_LIKE = re.compile(r"^[A-Za-z0-9_.:/\-@#%{}\[\]=?&+*^$\\|()<>,;' ]*$")


def looks_like_code(s: str) -> bool:
    """Identifiers, codes, paths, URLs, format-only strings: not sentences for people."""
    stripped = s.strip()
    if not stripped or not re.search(r"[A-Za-zÀ-ÿ]", stripped):
        return True
    if re.fullmatch(r"[a-z0-9_.:/\-]+", stripped):  # "otp_invalid", "sms", "text/plain"
        return True
    if re.fullmatch(r"https?://\S+", stripped):
        return True
    return bool(re.fullmatch(r"[A-Z0-9_]+", stripped))  # "SMS", "ERROR_CODE"


def _fstring_text(node: ast.JoinedStr) -> str:
    parts = []
    for v in node.values:
        if isinstance(v, ast.Constant) and isinstance(v.value, str):
            parts.append(v.value.replace("{", "{{").replace("}", "}}"))
        elif isinstance(v, ast.FormattedValue):
            parts.append("{" + ast.unparse(v.value) + "}")
    return "".join(parts).replace("{{", "{").replace("}}", "}")


class _PyCollector(ast.NodeVisitor):
    """Walk a module; keep string constants except docstrings, dict keys and code-like ones."""

    def __init__(self, rel: str, lines: list[str]) -> None:
        self.rel = rel
        self.lines = lines
        self.out: list[Text] = []
        self.path: list[str] = []
        self.skip: set[int] = set()
        self.counts: dict[str, int] = {}

    def _name(self) -> str:
        base = "".join(
            p if p.startswith("[") or i == 0 else "." + p for i, p in enumerate(self.path)
        )
        base = base or "<module>"
        n = self.counts.get(base, 0)
        self.counts[base] = n + 1
        return base if n == 0 else f"{base}#{n}"

    def _docstring(self, body: list[ast.stmt]) -> None:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.skip.add(id(body[0].value))

    def visit_Module(self, node: ast.Module) -> None:
        self._docstring(node.body)
        self.generic_visit(node)

    def _scoped(self, name: str, node: ast.AST) -> None:
        self.path.append(name)
        self.generic_visit(node)
        self.path.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._docstring(node.body)
        self._scoped(f"{node.name}()", node)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._docstring(node.body)
        self._scoped(node.name, node)

    def visit_Assign(self, node: ast.Assign) -> None:
        names = [ast.unparse(t) for t in node.targets]
        self.path.append(names[0])
        self.generic_visit(node)
        self.path.pop()

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.path.append(ast.unparse(node.target))
        self.generic_visit(node)
        self.path.pop()

    def visit_Dict(self, node: ast.Dict) -> None:
        for k, v in zip(node.keys, node.values, strict=True):
            if k is not None:
                self.skip.add(id(k))
                self.visit(k)
                label = k.value if isinstance(k, ast.Constant) else ast.unparse(k)
                self.path.append(f"[{label!r}]" if isinstance(label, str) else f"[{label}]")
                self.visit(v)
                self.path.pop()
            else:
                self.visit(v)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self.skip.add(id(node.slice))
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for c in [node.left, *node.comparators]:
            self.skip.add(id(c))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        fn = ast.unparse(node.func)
        if re.search(r"(^|\.)(log|logger|logging|warn|warning|debug|info|error|exception)\b", fn):
            return  # log lines are for developers, not for users
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        if id(node) in self.skip:
            return
        self._add(node, _fstring_text(node))

    def visit_Constant(self, node: ast.Constant) -> None:
        if id(node) in self.skip or not isinstance(node.value, str):
            return
        self._add(node, node.value)

    def _add(self, node: ast.expr, s: str) -> None:
        if looks_like_code(s) or s.strip() == "__main__":
            return
        t = Text(self._name(), self.rel, node.lineno, s, paragraphs=True)
        if re.search(r"email|mail|pdf|body|terms|letter|courrier", t.id, re.I):
            t.kind = "document"  # an email or a PDF: sentence rules, no chat-bubble limits
        if "\n" not in s.strip() and not re.search(r"[.!?:…]\s*$", s.strip()):
            t.kind = "label"
        _apply_exceptions(t, _comments_above(self.lines, node.lineno - 1))
        # A comment above the dict entry or the assignment also counts (the string may be
        # on the next line of an implicit concatenation or a call).
        for ln in range(node.lineno - 2, max(node.lineno - 4, -1), -1):
            if ln >= 0 and not self.lines[ln].strip().startswith("#"):
                _apply_exceptions(t, _comments_above(self.lines, ln))
                break
        self.out.append(t)


def collect_python(path: Path, rel: str) -> list[Text]:
    raw = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(raw, filename=rel)
    except SyntaxError as e:
        raise CollectError(f"{rel}: cannot parse Python: {e}") from e
    c = _PyCollector(rel, raw.split("\n"))
    c.visit(tree)
    names = FRAGMENT_NAMES.get(rel)
    if names is None:
        return c.out
    out = [t for t in c.out if t.id.split("[")[0].split("#")[0] in names]
    for t in out:
        t.kind = "label"
    return out


# ------------------------------------------------------------------ web_widget/texts.fr.json


def collect_json(path: Path, rel: str) -> list[Text]:
    raw = path.read_text(encoding="utf-8")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise CollectError(f"{rel}: cannot parse JSON: {e}") from e
    lines = raw.split("\n")
    out: list[Text] = []

    def line_of(key: str) -> int:
        needle = json.dumps(key, ensure_ascii=False)
        for i, ln in enumerate(lines):
            if re.search(re.escape(needle) + r"\s*:", ln):
                return i + 1
        return 1

    def walk(node: object, path_: str, inherited: dict[str, list[str]], key: str = "") -> None:
        if isinstance(node, dict):
            local = dict(inherited)
            exc = node.get("_falc_exceptions", {})
            if not isinstance(exc, dict):
                raise CollectError(f"{rel}: _falc_exceptions must be an object")
            for k, v in exc.items():
                full = f"{path_}.{k}" if path_ else k
                local.setdefault(full, []).extend(v if isinstance(v, list) else [v])
            for k, v in node.items():
                if k.startswith("_"):
                    continue  # "_comment", "_falc_exceptions": notes for developers
                walk(v, f"{path_}.{k}" if path_ else k, local, k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path_}[{i}]", inherited, key)
        elif isinstance(node, str) and not looks_like_code(node):
            n_words = len(node.split())
            kind = "message" if n_words > 5 or re.search(r"[.!?]\s*$", node) else "label"
            t = Text(path_, rel, line_of(key), node, kind=kind)
            for reason in inherited.get(path_, []):
                _apply_exceptions(t, [f"# falc: allow {reason}"])
            out.append(t)

    walk(data, "", {})
    return out


# ------------------------------------------------------------------ all places


def place_files(root: Path) -> list[Path]:
    """The files that exist among the places, in a stable order."""
    seen: dict[Path, None] = {}
    for pattern in PLACES:
        for p in sorted(root.glob(pattern)):
            if p.is_file():
                seen.setdefault(p, None)
    return list(seen)


def collect_file(path: Path, root: Path) -> list[Text]:
    rel = path.relative_to(root).as_posix()
    if path.suffix in {".yml", ".yaml"}:
        return collect_domain(path, rel)
    if path.suffix == ".py":
        return collect_python(path, rel)
    if path.suffix == ".json":
        return collect_json(path, rel)
    raise CollectError(f"{rel}: no reader for this kind of file")


def collect_all(root: Path) -> tuple[list[Text], list[str]]:
    """All texts, and the places that exist (relative paths)."""
    texts: list[Text] = []
    places = []
    for p in place_files(root):
        places.append(p.relative_to(root).as_posix())
        texts.extend(collect_file(p, root))
    return texts, places
