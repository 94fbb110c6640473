"""Build bot/falc/data/frequent_fr.txt from the wordfreq package (a one-off developer tool).

The linter never imports wordfreq: it reads only the shipped file. To rebuild the list:

    python -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq==3.1.1
    /tmp/wf/bin/python -m bot.falc.build_wordlist

The list keeps the CORE_SIZE most frequent French word forms, then adds the rarer forms
(among the LONG_SIZE most frequent) that are regular inflections of a core word: "annulez"
is rare as a form but "annuler" is common, and FALC texts say "vous" all the time.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

CORE_SIZE = 20_000
LONG_SIZE = 200_000
OUT = Path(__file__).parent / "data" / "frequent_fr.txt"
WORD = re.compile(r"^[a-zàâäçéèêëîïôöùûüÿœæ]+(?:['’-][a-zàâäçéèêëîïôöùûüÿœæ]+)*$")

# (ending, replacement) pairs that turn an inflected form into a possible base form.
_LEMMA_RULES: tuple[tuple[str, str], ...] = (
    ("issez", "ir"),
    ("issons", "ir"),
    ("issent", "ir"),
    ("issait", "ir"),
    ("issaient", "ir"),
    ("irez", "ir"),
    ("iront", "ir"),
    ("ira", "ir"),
    ("erez", "er"),
    ("erons", "er"),
    ("eront", "er"),
    ("erait", "er"),
    ("eraient", "er"),
    ("era", "er"),
    ("erai", "er"),
    ("eras", "er"),
    ("aient", "er"),
    ("ait", "er"),
    ("ais", "er"),
    ("ant", "er"),
    ("ez", "er"),
    ("ons", "er"),
    ("ent", "er"),
    ("es", "er"),
    ("e", "er"),
    ("ées", "er"),
    ("és", "er"),
    ("ée", "er"),
    ("é", "er"),
    ("ies", "ir"),
    ("is", "ir"),
    ("ie", "ir"),
    ("it", "ir"),
    ("i", "ir"),
    ("aux", "al"),
    ("elles", "el"),
    ("elle", "el"),
    ("euses", "eur"),
    ("euse", "eur"),
    ("ives", "if"),
    ("ive", "if"),
    ("ères", "er"),
    ("ère", "er"),
    ("es", ""),
    ("s", ""),
    ("x", ""),
    ("e", ""),
    # -re verbs: "répondrons", "répondez", "vendu" -> "répondre", "vendre".
    ("rons", "re"),
    ("rez", "re"),
    ("ront", "re"),
    ("rait", "re"),
    ("ra", "re"),
    ("rai", "re"),
    ("ez", "re"),
    ("ons", "re"),
    ("ent", "re"),
    ("ait", "re"),
    ("ais", "re"),
    ("ues", "re"),
    ("us", "re"),
    ("ue", "re"),
    ("u", "re"),
    # -ger and -cer verbs keep "e" / take "ç" before a and o: "téléchargeant", "commençons".
    ("geant", "ger"),
    ("geons", "ger"),
    ("geait", "ger"),
    ("geais", "ger"),
    ("geaient", "ger"),
    ("çant", "cer"),
    ("çons", "cer"),
    ("çait", "cer"),
    ("çais", "cer"),
    # -oir verbs: "recevrez", "devrons" -> "recevoir", "devoir".
    ("rez", "oir"),
    ("rons", "oir"),
    ("ront", "oir"),
    ("rait", "oir"),
    ("ra", "oir"),
    ("rai", "oir"),
    ("vez", "voir"),
    ("vons", "voir"),
)
# "réessayez", "reprendre": the prefix re-/ré- on a known word keeps it plain.
_PREFIXES = ("ré", "re")


def base_forms(word: str) -> set[str]:
    """Possible base forms of a French word form, by regular endings only."""
    out = set()
    for ending, repl in _LEMMA_RULES:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            out.add(word[: -len(ending)] + repl)
    for p in _PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 5:
            rest = word[len(p) :]
            out.add(rest)
            out |= {b for b in base_forms(rest)}
    return out


def build() -> list[str]:
    import wordfreq  # only for the developer who rebuilds the list

    ranked = [w for w in wordfreq.top_n_list("fr", LONG_SIZE) if WORD.match(w)]
    core = ranked[:CORE_SIZE]
    core_set = set(core)
    extra = [w for w in ranked[CORE_SIZE:] if base_forms(w) & core_set]
    return core + extra


def main() -> int:
    words = build()
    header = (
        "# Frequent French word forms, most frequent first. Built by bot/falc/build_wordlist.py\n"
        f"# from wordfreq 3.1.1 (top {CORE_SIZE} forms + their regular inflections found in\n"
        f"# the top {LONG_SIZE}). Data licence: CC BY-SA 4.0, see SOURCE.md beside this file.\n"
    )
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} words to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
