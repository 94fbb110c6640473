"""The easy-to-read rules of SPEC §6, one small function each.

Every rule takes the bubbles of one text (see text.py), the kind of text ("message": a chat
bubble, SMS or email paragraph; "label": a button title or a widget label) and the lexicon,
and returns findings. A rule never looks at other texts: the project-wide checks (synonyms are
per text too; the Kandel–Moles average is in check.py) stay out of here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from bot.falc.lexicon import ELIDED, Lexicon
from bot.falc.text import PH, Bubble, Sentence, Token, unmask

ERROR = "error"
WARNING = "warning"

MAX_SENTENCE_WORDS = 15
WARN_SENTENCE_WORDS = 12
MAX_BUBBLE_SENTENCES = 3
MAX_BUBBLE_WORDS = 60


@dataclass
class Finding:
    rule: str
    level: str
    words: list[str]
    hint: str
    sentence: str = ""
    excepted: str | None = None  # the reason, when an exception written next to the text allows it

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "level": self.level,
            "words": self.words,
            "hint": self.hint,
            "sentence": self.sentence,
            "excepted": self.excepted,
        }


RuleFn = Callable[[list[Bubble], str, Lexicon], list[Finding]]


@dataclass
class Rule:
    name: str
    summary: str
    fn: RuleFn = field(repr=False)


RULES: dict[str, Rule] = {}


def rule(name: str, summary: str) -> Callable[[RuleFn], RuleFn]:
    def deco(fn: RuleFn) -> RuleFn:
        RULES[name] = Rule(name, summary, fn)
        return fn

    return deco


def sentences(bubbles: list[Bubble]) -> Iterator[Sentence]:
    for b in bubbles:
        yield from b.sentences


def atoms(tokens: list[Token]) -> list[str]:
    """Lowercased words with elisions cut off: "n'est" -> "n'", "est"."""
    out: list[str] = []
    for t in tokens:
        if t.kind == "slot":
            out.append(PH)
            continue
        low = t.low
        while "'" in low:
            head, rest = low.split("'", 1)
            if head not in ELIDED or not rest:
                break
            out.append(head + "'")
            low = rest
        out.append(low)
    return out


def _show(s: Sentence) -> str:
    return unmask(s.text)


# ---------------------------------------------------------------- 1. length and layout


@rule("sentence-length", "at most 15 words per sentence (warning above 12)")
def check_sentence_length(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for s in sentences(bubbles):
        n = s.n_words
        if n > MAX_SENTENCE_WORDS:
            level = ERROR
        elif n > WARN_SENTENCE_WORDS:
            level = WARNING
        else:
            continue
        out.append(
            Finding(
                "sentence-length",
                level,
                [f"{n} words"],
                "Cut the sentence in two. Aim for 12 words or fewer.",
                _show(s),
            )
        )
    return out


@rule("one-sentence-per-line", "one sentence per line")
def check_one_sentence_per_line(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for b in bubbles:
        by_line: dict[int, list[Sentence]] = {}
        for s in b.sentences:
            by_line.setdefault(s.line_no, []).append(s)
        for group in by_line.values():
            if len(group) > 1:
                out.append(
                    Finding(
                        "one-sentence-per-line",
                        ERROR,
                        [unmask(g.text) for g in group],
                        "Put each sentence on its own line (a line break after the full stop).",
                        unmask(b.lines[group[0].line_no]),
                    )
                )
    return out


# "Bonjour," or "Bonjour {name}," alone on its line opens a message; it is not a sentence.
_GREETING = re.compile(r"^(?:bonjour|bonsoir|salut|madame|monsieur)\b[^.!?]{0,30},$", re.I)


@rule("bubble-size", "at most 3 sentences and 60 words per message bubble")
def check_bubble_size(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    if kind != "message":
        return []
    out = []
    for b in bubbles:
        n_sent = sum(1 for s in b.sentences if not s.list_item and not _GREETING.match(s.text))
        if n_sent > MAX_BUBBLE_SENTENCES:
            out.append(
                Finding(
                    "bubble-size",
                    ERROR,
                    [f"{n_sent} sentences"],
                    "Keep 3 sentences per message at most: split it into 2 messages.",
                    unmask(b.lines[0]),
                )
            )
        if b.n_words > MAX_BUBBLE_WORDS:
            out.append(
                Finding(
                    "bubble-size",
                    ERROR,
                    [f"{b.n_words} words"],
                    "Keep 60 words per message at most: split it into 2 messages.",
                    unmask(b.lines[0]),
                )
            )
    return out


# ---------------------------------------------------------------- 2. abbreviations, acronyms

_ABBREV_TOKENS = {
    "rdv", "etc", "dr", "dre", "drs", "pr", "mme", "mmes", "mlle", "mlles", "mr", "tél", "qqn",
    "qqch", "qq", "pb", "pbs", "bcp", "tjs", "stp", "svp", "cf", "càd", "nb", "bd", "mdp",
    "kg", "km", "cm", "mm", "ml", "mg", "st", "ste", "env", "ex", "tel", "max", "mini",
}  # fmt: skip
_ABBREV_RE = [
    (re.compile(r"[nN][°º]|\bno\.\s*\d"), "Write « numéro »."),
    (re.compile(r"\bM\.\s*(?=[A-Z" + PH + r"])"), "Write « Monsieur »."),
    (re.compile(r"\bc\.?-?à-?d\.?", re.I), "Write « c'est-à-dire », or say it more simply."),
    (re.compile(r"\bp\.\s?ex\b|\bi\.e\.|\be\.g\.", re.I), "Write « par exemple »."),
    (
        re.compile(r"\b\d+\s?(?:kg|g|km|m|cm|mm|ml|mg|l|min|mn|sec|s|j)\b(?!['’])"),
        "Write the unit in full: « 5 minutes », « 70 kilos ».",
    ),
    (re.compile(r"&"), "Write « et »."),
    (re.compile(r"(?<=[A-Za-zÀ-ÿ])/(?=[A-Za-zÀ-ÿ])"), "Write « ou » or « et » instead of « / »."),
]


@rule("abbreviation", "no abbreviations (rdv, etc., Dr, n°, 10h…)")
def check_abbreviation(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for s in sentences(bubbles):
        bad = [t.text for t in s.tokens if t.kind == "word" and t.low in _ABBREV_TOKENS]
        # "ex" and "tel" are words too: only their dotted forms are abbreviations.
        bad = [
            w
            for w in bad
            if w.lower() not in {"ex", "tel", "max", "mini"}
            or re.search(rf"\b{re.escape(w)}\.", s.text)
        ]
        if bad:
            out.append(
                Finding(
                    "abbreviation",
                    ERROR,
                    bad,
                    "Write the words in full: « rendez-vous ».",
                    _show(s),
                )
            )
        for rx, hint in _ABBREV_RE:
            found = [m.group(0).strip() for m in rx.finditer(s.text)]
            if found:
                out.append(Finding("abbreviation", ERROR, found, hint, _show(s)))
    return out


_ROMAN_RE = re.compile(
    r"^(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})(e|er|ème|eme)?$"
)
_UPPER_RE = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ0-9]+$")
_SERVICE_NUMBER_RE = re.compile(
    r"\b(?:appele[rz]|appelle|composez|composer|contactez|contacter|téléphonez)\s+(?:le\s+|au\s+)?(\d{2,4})\b",
    re.I,
)


def is_roman(word: str) -> bool:
    if not _ROMAN_RE.match(word):
        return False
    letters = re.sub(r"(e|er|ème|eme)$", "", word)
    if letters != word:  # "XXe", "Ier": an ordinal suffix makes it a numeral ("Le" is not)
        return len(letters) >= 2 or (letters == "I" and word.endswith("er"))
    return len(letters) >= 2 and set(letters) <= set("IVXL")


def _explained(acronym: str, text: str) -> bool:
    a = re.escape(acronym)
    return bool(
        re.search(rf"\b{a}\s*\(|\(\s*{a}\s*\)|\b{a}\s*(?:,\s*c'est|veut dire|signifie)", text)
    )


@rule("acronym", "no acronyms unless explained in the same message or allowed; no capitals")
def check_acronym(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    whole = "\n".join(b.text for b in bubbles)
    for s in sentences(bubbles):
        for t in s.tokens:
            for part in t.text.split("-"):
                if not _UPPER_RE.match(part) or is_roman(part) or part in lex.acronyms:
                    continue
                if sum(c.isalpha() for c in part) < 2 or _explained(part, whole):
                    continue
                if len(part) >= 4 and lex.is_frequent(part):
                    hint = "Do not write whole words in capitals: « Attention », not « ATTENTION »."
                else:
                    hint = (
                        f"Explain « {part} » in the same message, e.g. « {part} (…) », "
                        "or use plain words."
                    )
                out.append(Finding("acronym", ERROR, [part], hint, _show(s)))
        for m in _SERVICE_NUMBER_RE.finditer(s.text):
            if m.group(1) not in lex.acronyms:
                out.append(
                    Finding(
                        "acronym",
                        ERROR,
                        [m.group(1)],
                        "Say what this number is (add it to acronyms.yml with an explanation).",
                        _show(s),
                    )
                )
    return out


# ---------------------------------------------------------------- 3. numbers and dates

NUMBER_WORDS = {
    "zéro", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "dix", "onze", "douze",
    "treize", "quatorze", "quinze", "seize", "vingt", "vingts", "trente", "quarante",
    "cinquante", "soixante", "cent", "cents", "mille", "million", "millions", "milliard",
    "milliards", "dizaine", "dizaines", "douzaine", "douzaines", "quinzaine", "vingtaine",
    "trentaine", "quarantaine", "cinquantaine", "centaine", "centaines", "millier", "milliers",
}  # fmt: skip
_ORDINAL_RE = re.compile(
    r"^(?:deux|trois|quatr|cinqu|six|sept|huit|neuv|dix|onz|douz|treiz|quatorz|quinz|seiz|"
    r"vingt|trent|quarant|cinquant|soixant|cent|mill)ième(s)?$"
)
_COUNTED = {"heures", "heure", "ans", "mois", "jours", "semaines", "minutes", "fois", "euros"}


def _is_number_word(low: str) -> bool:
    if low in NUMBER_WORDS or _ORDINAL_RE.match(low):
        return True
    parts = low.split("-")
    return len(parts) > 1 and all(p in NUMBER_WORDS or p in {"et", "un", "neuf"} for p in parts)


@rule("number-words", "numbers in digits, never in words (except un, une)")
def check_number_words(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for s in sentences(bubbles):
        bad = []
        for i, t in enumerate(s.tokens):
            if t.kind != "word" or (i > 0 and t.text[:1].isupper() and "-" in t.text):
                continue  # a place name such as "Deux-Sèvres"
            nxt = s.tokens[i + 1].low if i + 1 < len(s.tokens) else ""
            if _is_number_word(t.low) or (t.low == "neuf" and nxt in _COUNTED):
                bad.append(t.text)
        if bad:
            out.append(
                Finding(
                    "number-words", ERROR, bad, "Write numbers in digits: « 2 », « 15 ».", _show(s)
                )
            )
    return out


@rule("percentage", "no percentages")
def check_percentage(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    rx = re.compile(r"%|‰|\bpour\s?cents?\b|\bpourcentages?\b", re.I)
    return [
        Finding(
            "percentage",
            ERROR,
            [m.group(0) for m in rx.finditer(s.text)],
            "Say it with words people know: « 1 personne sur 2 », « la moitié ».",
            _show(s),
        )
        for s in sentences(bubbles)
        if rx.search(s.text)
    ]


@rule("decimal", "no decimal numbers")
def check_decimal(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    rx = re.compile(r"(?<![\d.,/])\d+[.,]\d+(?![\d.,/])")
    return [
        Finding(
            "decimal",
            ERROR,
            [m.group(0) for m in rx.finditer(s.text)],
            "Round the number: « environ 2 » instead of « 1,8 ».",
            _show(s),
        )
        for s in sentences(bubbles)
        if rx.search(s.text)
    ]


@rule("roman-numeral", "no Roman numerals")
def check_roman(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for s in sentences(bubbles):
        bad = [t.text for t in s.tokens if is_roman(t.text) and t.text not in lex.acronyms]
        if bad:
            out.append(
                Finding(
                    "roman-numeral", ERROR, bad, "Write the number in digits: « 14 ».", _show(s)
                )
            )
    return out


_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_DATE_RES = [
    (
        re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"),
        "Write the date in words: « 3 décembre 2026 ».",
    ),
    (re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"), "Write the date in words: « 3 décembre 2026 »."),
    (
        re.compile(r"\b\d{1,2}[.-]\d{1,2}[.-]\d{2,4}\b"),
        "Write the date in words: « 3 décembre 2026 ».",
    ),
    (re.compile(r"\b\d{1,2}\s?[hH](?:\s?\d{2})?\b"), "Write the time in words: « 10 heures 30 »."),
    (re.compile(r"\b\d{1,2}:\d{2}\b"), "Write the time in words: « 10 heures 30 »."),
    (
        re.compile(r"\b(?:janv|févr|fév|fevr|avr|juil|juill|sept|oct|nov|déc|dec)\.", re.I),
        "Write the month in full: « décembre ».",
    ),
    (
        re.compile(r"\b(?:janv|févr|avr|juil|oct|nov|déc)\b(?!\.)", re.I),
        "Write the month in full: « décembre ».",
    ),
    (re.compile(r"\b(?:lun|mar|mer|jeu|ven|sam|dim)\.", re.I), "Write the day in full: « mardi »."),
    (re.compile(rf"\b0\d\s+(?:{_MONTHS})\b", re.I), "Write « 3 décembre », not « 03 décembre »."),
]


@rule("date-format", "dates and times in full words: « mardi 3 décembre 2026 à 10 heures 30 »")
def check_date_format(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for s in sentences(bubbles):
        for rx, hint in _DATE_RES:
            found = [m.group(0) for m in rx.finditer(s.text)]
            if found:
                out.append(Finding("date-format", ERROR, found, hint, _show(s)))
    return out


# ---------------------------------------------------------------- 4. negation, passive, address

_NEG_AFTER_NE = {
    "pas", "plus", "jamais", "rien", "personne", "aucun", "aucune", "guère", "ni", "nul",
    "nulle", "point",
}  # fmt: skip
_NEG_ALONE = {"pas", "jamais", "aucun", "aucune", "rien"}
_NEG_BEFORE_NE = {"aucun", "aucune", "personne", "rien", "nul", "nulle", "jamais"}


def count_negations(words: list[str]) -> list[str]:
    """The negations of one sentence, as the words that make them ("ne…pas")."""
    found: list[str] = []
    used: set[int] = set()
    for i, w in enumerate(words):
        if w not in {"ne", "n'"}:
            continue
        j = next((k for k in range(i + 1, len(words)) if words[k] in _NEG_AFTER_NE), None)
        que = next((k for k in range(i + 1, len(words)) if words[k] in {"que", "qu'"}), None)
        if j is None and que is not None:
            continue  # "ne…que" means "only", not a negation
        if j is None:  # "Aucun professionnel ne peut…", "Personne ne voit…"
            j = next((k for k in range(i) if words[k] in _NEG_BEFORE_NE and k not in used), None)
        if j is not None:
            used.add(j)
            pair = (w.rstrip("'"), words[j]) if j > i else (words[j], w.rstrip("'"))
            found.append("…".join(pair))
        else:
            found.append(w)
    for i, w in enumerate(words):
        if w in _NEG_ALONE and i not in used:
            # "pas" after a "ne" already counted belongs to it; a lone one is spoken French.
            found.append(w)
    return found


@rule("negation", "at most one negation per sentence (prefer none)")
def check_negation(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for s in sentences(bubbles):
        neg = count_negations(atoms(s.tokens))
        if not neg:
            continue
        if len(neg) > 1:
            level, hint = ERROR, "Keep at most 1 negation per sentence; say what to do instead."
        else:
            level, hint = WARNING, "Prefer a positive sentence: say what to do."
        out.append(Finding("negation", level, neg, hint, _show(s)))
    return out


ETRE = {
    "suis", "es", "est", "sommes", "êtes", "sont", "étais", "était", "étions", "étiez",
    "étaient", "serai", "seras", "sera", "serons", "serez", "seront", "serais", "serait",
    "serions", "seriez", "seraient", "sois", "soit", "soyons", "soyez", "soient", "être",
    "fut", "furent", "étant",
}  # fmt: skip
AVOIR = {
    "ai", "as", "a", "avons", "avez", "ont", "avait", "avaient", "aura", "auront", "aurait",
    "avoir", "ayant", "aurez",
}  # fmt: skip
_ADVERBS = {
    "pas", "plus", "bien", "déjà", "maintenant", "toujours", "jamais", "mieux", "très", "souvent",
    "aussi", "encore", "tout", "vite", "bientôt", "ensuite", "ne", "n'", "bon", "peut-être",
}  # fmt: skip
_IRREGULAR_PP = {
    "fait", "dit", "écrit", "décrit", "prescrit", "transcrit", "mis", "pris", "compris",
    "appris", "surpris", "repris", "permis", "promis", "transmis", "remis", "soumis", "admis",
    "commis", "offert", "couvert", "découvert", "souffert", "reçu", "vu", "revu", "lu", "relu",
    "su", "connu", "reconnu", "tenu", "obtenu", "retenu", "maintenu", "détenu", "conduit",
    "produit", "traduit", "construit", "détruit", "réduit", "introduit", "joint", "rejoint",
    "atteint", "éteint", "peint", "craint", "plaint", "contraint", "acquis", "conquis",
    "requis", "exclu", "inclus", "conclu", "résolu", "vécu", "convaincu", "battu", "bu", "cru",
    "vaincu", "dû", "envoyé", "suivi", "servi", "rempli",
}  # fmt: skip
_REFLEXIVE = {"me", "m'", "te", "t'", "se", "s'"}


def _pp_forms(base: str) -> set[str]:
    return (
        {base, base + "e", base + "s", base + "es"}
        if not base.endswith("s")
        else {base, base + "e", base + "es"}
    )


_IRREGULAR_ALL = set().union(*(_pp_forms(p) for p in _IRREGULAR_PP))


def is_participle(word: str, lex: Lexicon) -> bool:
    if word in _IRREGULAR_ALL:
        return True
    m = re.match(r"^(.{2,})(?:é|ée|és|ées)$", word)
    if m:
        return m.group(1) + "er" in lex.frequent
    m = re.match(r"^(.{2,})(?:i|ie|is|ies)$", word)
    if m:
        return m.group(1) + "ir" in lex.frequent
    m = re.match(r"^(.{3,})(?:u|ue|us|ues)$", word)
    if m:
        return m.group(1) + "re" in lex.frequent
    return False


def _after_avoir(words: list[str], i: int) -> bool:
    """ "été" is the participle of "être" after "avoir" ("a bien été"), else it is summer."""
    k = i - 1
    while k >= 0 and (words[k] in _ADVERBS or words[k].endswith("ment")):
        k -= 1
    return k >= 0 and words[k] in AVOIR


def find_passives(words: list[str], lex: Lexicon) -> list[str]:
    """ "être" + past participle, except reflexive verbs, "c'est…", "être" verbs and states."""
    found = []
    for i, w in enumerate(words):
        is_etre = w in ETRE or (w == "été" and _after_avoir(words, i))
        if not is_etre:
            continue
        k = i - 1
        while k >= 0 and words[k] in {"ne", "n'", "pas"}:
            k -= 1
        prev = words[k] if k >= 0 else ""
        if prev in _REFLEXIVE or prev in {"c'", "ce", "ça", "cela"}:
            continue
        if prev in {"nous", "vous"} and k > 0 and words[k - 1] in {prev, "ne", "n'"}:
            j = k - 1
            while j >= 0 and words[j] in {"ne", "n'"}:
                j -= 1
            if j >= 0 and words[j] == prev:
                continue  # "vous vous êtes trompé": a reflexive verb
        j = i + 1
        while j < len(words) and j <= i + 3 and (words[j] in _ADVERBS or words[j].endswith("ment")):
            j += 1
        if j < len(words) and words[j] == "été":
            continue  # "a été" is caught when we reach "été"
        if j < len(words) and words[j] not in lex.passive_ok and is_participle(words[j], lex):
            found.append(f"{w} {words[j]}")
    return found


@rule("passive", "no passive voice (être + past participle)")
def check_passive(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for s in sentences(bubbles):
        found = find_passives(atoms(s.tokens), lex)
        if found:
            out.append(
                Finding(
                    "passive",
                    ERROR,
                    found,
                    "Say who does it: « Le médecin a ajouté un document », "
                    "not « Un document a été ajouté ».",
                    _show(s),
                )
            )
    return out


_THIRD_PERSON_RE = re.compile(
    r"\b(?:l'|le |la |les |chaque |tout )(?:usager|usagère|utilisateur|utilisatrice|"
    r"bénéficiaire|assuré|assurée|demandeur|demandeuse|titulaire|requérant|souscripteur|"
    r"abonné|abonnée)s?\b",
    re.I,
)
_IMPERSONAL_RE = re.compile(
    r"\bil (?:est|sera|serait) (?:nécessaire|recommandé|conseillé|demandé|possible|impossible|"
    r"obligatoire|interdit|indispensable|important|préférable|utile|rappelé|précisé)\b|"
    r"\bil convient\b|\bil appartient\b",
    re.I,
)
_TU = {"tu", "te", "t'", "toi", "ton", "ta", "tes", "tien", "tienne"}


@rule("address", "speak to the reader with « vous »")
def check_address(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for s in sentences(bubbles):
        text = s.text.replace("’", "'")
        found = [m.group(0) for m in _THIRD_PERSON_RE.finditer(text)]
        found += [m.group(0) for m in _IMPERSONAL_RE.finditer(text)]
        if found:
            out.append(
                Finding(
                    "address",
                    ERROR,
                    found,
                    "Speak to the reader: « vous devez… », « appuyez sur… ».",
                    _show(s),
                )
            )
        tu = [w for w in atoms(s.tokens) if w in _TU or w.endswith(("-toi", "-tu"))]
        if tu:
            out.append(Finding("address", ERROR, tu, "Say « vous », never « tu ».", _show(s)))
    return out


# ---------------------------------------------------------------- 5. common words, 6. synonyms


def _glossary_cover(tokens: list[Token], lex: Lexicon) -> set[int]:
    """Indexes of tokens inside a multi-word glossary phrase ("carte Vitale")."""
    lows = [t.low for t in tokens]
    covered: set[int] = set()
    for phrase in lex.glossary_phrases:
        n = len(phrase)
        for i in range(len(lows) - n + 1):
            if tuple(lows[i : i + n]) == phrase:
                covered.update(range(i, i + n))
    return covered


def _word_parts(low: str) -> list[str]:
    parts = []
    for piece in low.split("-"):
        while "'" in piece:
            head, rest = piece.split("'", 1)
            if head in ELIDED and rest:
                piece = rest
            else:
                break
        if piece:
            parts.append(piece)
    return parts


@rule("uncommon-word", "common words only (frequent-word list or the project glossary)")
def check_uncommon(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for s in sentences(bubbles):
        covered = _glossary_cover(s.tokens, lex)
        rare, hard = [], []
        for i, t in enumerate(s.tokens):
            if t.kind != "word" or i in covered or _UPPER_RE.match(t.text):
                continue
            low = t.low
            parts = _word_parts(low)
            shown = t.text.replace("’", "'").split("'")[-1]
            if (i > 0 or shown != t.text) and shown[:1].isupper():
                continue  # a name inside a sentence: "Docteur Martin", "sur l'Appstore"
            for p in parts:
                if p in lex.hard_words:
                    hard.append(p)
            if low in lex.glossary or lex.is_frequent(low):
                continue
            if all(p in lex.glossary or lex.is_frequent(p) for p in parts):
                continue
            rare.append(t.text)
        if rare:
            out.append(
                Finding(
                    "uncommon-word",
                    ERROR,
                    rare,
                    "Use a common word, or add it with a plain explanation to "
                    "bot/falc/data/glossary.yml.",
                    _show(s),
                )
            )
        if hard:
            out.append(
                Finding(
                    "uncommon-word",
                    ERROR,
                    hard,
                    "Administrative word: "
                    + "; ".join(f"« {w} » → « {lex.hard_words[w]} »" for w in hard),
                    _show(s),
                )
            )
    return out


@rule("synonym", "the same word for the same thing (synonym table)")
def check_synonym(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for s in sentences(bubbles):
        words = atoms(s.tokens)
        low_text = " ".join(words)
        for use, variants in lex.synonyms:
            found = []
            for v in variants:
                if " " in v:
                    if re.search(rf"(?<!\S){re.escape(v)}(?!\S)", low_text):
                        found.append(v)
                elif v in words:
                    found.append(v)
            if found:
                out.append(
                    Finding(
                        "synonym",
                        ERROR,
                        found,
                        f"Always say « {use} » for this.",
                        _show(s),
                    )
                )
    return out


# ---------------------------------------------------------------- 7. French that fits the person

# "de Inès", "que il": these words lose their vowel before a vowel ("d'Inès", "qu'il"). An
# initial h is left out: "de Hugo" and "d'Hugo" are both written, and an aspirated h never
# elides ("le héros").
_ELIDING_WORDS = {"de", "que", "je", "me", "te", "se", "ne", "le", "la"}
_VOWEL_START = re.compile(r"^[aeiouyàâäéèêëîïôöùûüœæ]", re.IGNORECASE)
# Words that start with a vowel but never take an elision ("le onze", "de un à trois" is
# written "d'un", but "le un" of a list and "oui" are kept).
_NO_ELISION = {"oui", "onze", "onzième", "ouate", "yaourt", "yoga", "un", "une"}


@rule("elision", "de, que, le… lose their vowel before a vowel: « d'Inès », « qu'il »")
def check_elision(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for s in sentences(bubbles):
        tokens = s.tokens
        found = []
        for word, after in zip(tokens, tokens[1:], strict=False):
            if not (word.is_word and after.is_word) or word.low not in _ELIDING_WORDS:
                continue
            between = s.text[word.start + len(word.text) : after.start]
            if between.strip():  # "de : Inès", "le 3, ou…": not next to each other
                continue
            if after.low in _NO_ELISION and word.low not in {"que", "de"}:
                continue
            if after.low in {"oui", "onze", "onzième", "ouate", "yaourt", "yoga"}:
                continue
            if _VOWEL_START.match(after.text) and not after.text.isupper():
                found.append(f"{word.text} {after.text}")
        if found:
            out.append(
                Finding(
                    "elision",
                    ERROR,
                    found,
                    "Write « d'Inès », « qu'il », « l'école ». For a name in a placeholder, "
                    "fill « de » or « d' » in the code (actions/formatting.py: of_name).",
                    _show(s),
                )
            )
    return out


# "Vous êtes connecté": the reader may be a woman. Say both forms ("connecté ou connectée")
# or a sentence without the participle ("Vous êtes dans votre espace santé").
_YOU_ARE = re.compile(
    r"\b(?:vous (?:n')?(?:êtes|serez|étiez)|êtes-vous)"
    r"(?:\s+(?:déjà|bien|maintenant|pas|plus|toujours|encore|bientôt|sûrement))*"
    r"\s+([a-zàâäéèêëîïôöùûüç]+)\b(?!\s+ou\s)",
    re.IGNORECASE,
)


@rule("gender", "say both forms to « vous »: « connecté ou connectée »")
def check_gender(bubbles: list[Bubble], kind: str, lex: Lexicon) -> list[Finding]:
    out = []
    for b in bubbles:
        for s in b.sentences:
            found = []
            for m in _YOU_ARE.finditer(s.text.replace("’", "'")):
                word = m.group(1).lower()
                if word.endswith("e") or word.endswith("s"):
                    continue  # already feminine, or plural said to several people
                if word in lex.passive_ok and f"{word}e" in lex.passive_ok:
                    found.append(m.group(0))
            if found:
                out.append(
                    Finding(
                        "gender",
                        ERROR,
                        found,
                        "The reader may be a woman or a man: « connecté ou connectée », or "
                        "« vous êtes dans votre espace santé ».",
                        _show(s),
                    )
                )
    return out
