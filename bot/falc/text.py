"""Cut a user-facing text into bubbles, lines, sentences and words.

Every rule works on this shape, so the cutting is done once per text. Placeholders of
response templates (`{date_text}`, `$name`) and web addresses count as one word each and are
never checked themselves: the value that fills them is formatted by the code that fills it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# {slot}, {obj.attr}, {x!r:>3}, ${name}, $name: placeholders of str.format, Rasa, Template.
PLACEHOLDER_RE = re.compile(
    r"\{[A-Za-z_][A-Za-z0-9_.\[\]'\"]*(?:![rsa])?(?::[^{}\n]*)?\}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?"
)
URL_RE = re.compile(
    r"(?:https?://|www\.)\S+[^\s.,;:!?)]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:fr|com|org|net|gouv\.fr|eu)\b"
)
_LETTERS = "A-Za-zÀ-ÖØ-öø-ÿŒœÆæ"
WORD_RE = re.compile(rf"[{_LETTERS}0-9]+(?:['’\-][{_LETTERS}0-9]+)*['’]?")
# A sentence ends at . ! ? … followed by a space and a capital, a digit, a placeholder or a
# quote: "par exemple ! ou ?" stays one sentence (French puts a space before "!" and "?").
SENTENCE_END_RE = re.compile(r"(?<=[.!?…])[»”\"')\]]*\s+(?=[A-ZÀ-ÖØ-Þ0-9«\"\u2063{$-])")
LIST_ITEM_RE = re.compile(r"^\s*(?:[-•*–]|\d{1,2}[.)])\s+")
# A placeholder is replaced by this marker so word rules can see and skip it.
PH = "\u2063"


@dataclass(frozen=True)
class Token:
    """One word of a sentence: `text` as written, `low` lowercased, `kind` word/number/slot."""

    text: str
    low: str
    kind: str
    start: int

    @property
    def is_word(self) -> bool:
        return self.kind == "word"


@dataclass
class Sentence:
    text: str
    tokens: list[Token]
    line_no: int  # index of the line inside the bubble
    list_item: bool = False

    @property
    def n_words(self) -> int:
        return len(self.tokens)


@dataclass
class Bubble:
    text: str
    lines: list[str]
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def n_words(self) -> int:
        return sum(s.n_words for s in self.sentences)


def mask(text: str) -> tuple[str, list[str]]:
    """Replace placeholders and web addresses by a marker word; return the masked text."""
    found: list[str] = []

    def repl(m: re.Match[str]) -> str:
        found.append(m.group(0))
        return f"{PH}slot{len(found) - 1}{PH}"

    text = PLACEHOLDER_RE.sub(repl, text)
    text = URL_RE.sub(repl, text)
    return text, found


def tokenize(text: str) -> list[Token]:
    """Words of an already masked sentence, placeholders included as `slot` tokens."""
    tokens: list[Token] = []
    for m in re.finditer(rf"{PH}slot\d+{PH}|{WORD_RE.pattern}", text):
        raw = m.group(0)
        if raw.startswith(PH):
            tokens.append(Token(raw, raw, "slot", m.start()))
            continue
        raw = raw.rstrip("'’")
        kind = "number" if any(c.isdigit() for c in raw) else "word"
        tokens.append(Token(raw, raw.lower().replace("’", "'"), kind, m.start()))
    return tokens


# A title before a name ("M. Dupont", "Dr. Martin") ends with a dot but not the sentence.
_TITLE_END = re.compile(r"\b(?:M|Mr|Dr|Pr|Mme|Mlle|St|Ste|p|n)\.$")


def split_sentences(line: str) -> list[str]:
    out: list[str] = []
    for piece in (s.strip() for s in SENTENCE_END_RE.split(line)):
        if not piece:
            continue
        if out and _TITLE_END.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def bubbles_of(text: str, paragraphs: bool) -> list[Bubble]:
    """Cut a text into bubbles: the whole text, or each blank-line paragraph (emails)."""
    masked, _ = mask(text)
    parts = re.split(r"\n\s*\n", masked) if paragraphs else [masked]
    out = []
    for part in parts:
        lines = [ln.strip() for ln in part.split("\n") if ln.strip()]
        if not lines:
            continue
        bubble = Bubble(part, lines)
        for i, line in enumerate(lines):
            item = bool(LIST_ITEM_RE.match(line))
            for sent in split_sentences(line):
                toks = tokenize(sent)
                if toks:
                    bubble.sentences.append(Sentence(sent, toks, i, item))
        out.append(bubble)
    return out


def unmask(text: str) -> str:
    """Show a masked fragment to people: the marker becomes `{…}`."""
    return re.sub(rf"{PH}slot\d+{PH}", "{…}", text)
