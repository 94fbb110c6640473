"""Which typed text is a secret, and the gateway's secret state (docs/contracts.md, secrets).

A conversation's secret state lives in its `pending_secret` JSON:
- absent: no secret expected; text shaped like a code or a password is still held back;
- `asking` (Rasa sent `secret_input`): the next input goes to records, unless it is a way out
  (stop, help, a person) that cannot be the secret;
- `cooldown` (a secret failed, or the user left the question without Rasa asking again):
  until `until`, text shaped like a code or a password is held back, masked, and never sent.

A one-time code has a shape (6 digits). A password has the records policy (9 to 128 signs with a
lowercase, an uppercase, a digit and a sign). Everything here is pure: no I/O, no logging.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

ASKING = "asking"
COOLDOWN = "cooldown"

# Six digits, maybe grouped by spaces, dots or dashes ("482913", "482 913", "48.29.13"),
# not part of a longer number such as a phone number.
_SEP = r"[ .\-]"
CODE_IN_TEXT = re.compile(rf"(?<!\d)(?<!\d{_SEP})(?:\d{_SEP}?){{5}}\d(?!{_SEP}?\d)")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
URL = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)

# Words that name a way out inside a longer sentence ("je voudrais parler à quelqu'un").
WAY_OUT_WORDS = frozenset(
    "stop arret arrete arreter annuler aide secours parler personne humain quelqu conseiller "
    "oublie recu 3422 deconnecte deconnexion".split()
)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# What a person types to get out of a secret question (compared without accents, case or
# punctuation). None of them can be a password of the records policy nor a 6-digit code.
WAY_OUT_PHRASES = (
    "stop", "arrêt", "arrête", "arrêter", "j'arrête", "je veux arrêter", "on arrête",
    "annuler", "annule", "j'annule", "laisse tomber", "non merci", "quitter", "retour", "menu",
    "au revoir", "aide", "à l'aide", "au secours", "help", "sos", "je ne sais pas",
    "je sais pas", "j'ai oublié", "je ne sais plus", "mot de passe oublié",
    "j'ai oublié mon mot de passe", "j'ai oublié mon code", "je ne me souviens plus",
    "je veux parler à quelqu'un", "parler à quelqu'un", "je veux parler à une personne",
    "parler à une personne", "une personne", "un humain", "parler à un humain", "conseiller",
    "3422", "je n'ai pas reçu le code", "pas reçu", "pas de code", "je n'ai pas de code",
    "nouveau code", "je me déconnecte", "déconnexion",
)  # fmt: skip
WAY_OUTS = frozenset(_plain(p) for p in WAY_OUT_PHRASES)


def code_in(text: str) -> str | None:
    """The one 6-digit code written in the text, without its separators, or None."""
    found = CODE_IN_TEXT.findall(text)
    if len(found) != 1:
        return None
    return re.sub(r"\D", "", found[0])


def looks_like_code(text: str) -> bool:
    """A 6-digit code alone or inside a sentence ("mon code est 482 913")."""
    return bool(CODE_IN_TEXT.search(text))


def could_be_password(token: str) -> bool:
    """The records password policy, for one word typed alone (emails and links excluded)."""
    if not 9 <= len(token) <= 128 or EMAIL.match(token) or URL.match(token):
        return False
    return (
        any(c.islower() for c in token)
        and any(c.isupper() for c in token)
        and any(c.isdigit() for c in token)
        and any(not c.isalnum() for c in token)
    )


def looks_like_password(text: str) -> bool:
    return any(could_be_password(token) for token in text.split())


def looks_like_secret(text: str) -> str | None:
    """ "code", "password" or None: the kind of secret this text looks like."""
    if looks_like_code(text):
        return "code"
    if looks_like_password(text):
        return "password"
    return None


def is_way_out(text: str, kind: str) -> bool:
    """True when text typed at a secret question is a request (stop, help...), not the secret.

    A code question: any text without a digit, or a known phrase. A password question: a known
    phrase, or a sentence of three words or more that names a way out and cannot be a password.
    """
    plain = _plain(text)
    if not plain:
        return False
    if plain in WAY_OUTS:
        return True
    if kind == "code":
        return not any(c.isdigit() for c in text)
    words = plain.split()
    return (
        len(words) >= 3 and any(w in WAY_OUT_WORDS for w in words) and not looks_like_password(text)
    )


def secret_for_records(text: str, kind: str) -> str:
    """What records receives: the code out of a short sentence, a password as typed."""
    text = text.strip()
    if kind == "code":
        return code_in(text) or re.sub(r"[\s.\-]", "", text)
    return text


def current(state: dict[str, Any] | None, now: float) -> dict[str, Any] | None:
    """The secret state still in force (an elapsed cooldown is no state)."""
    if not state or not state.get("purpose"):
        return None
    if state.get("state") == COOLDOWN and float(state.get("until") or 0) <= now:
        return None
    return state


def is_asking(state: dict[str, Any] | None) -> bool:
    return bool(state) and state.get("state", ASKING) == ASKING


def cooldown(purpose: str, until: float) -> dict[str, Any]:
    """The state after a failed or abandoned secret: input is masked, never sent."""
    return {"purpose": purpose, "state": COOLDOWN, "until": until}
