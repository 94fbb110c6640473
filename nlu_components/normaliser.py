"""A whitespace tokenizer that also spells SMS and phonetic French the standard way.

"jveu 1 rdv" and "je veux un rendez-vous" then give the featurizers the same words, so what
the model learnt from standard spellings also serves people who write as they speak. Only
each token's lemma changes (the featurizers read lemmas); its text, start and end stay those
of the original message, so entity spans still point into what the person wrote.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

# Written form (lowercase, no accents) → standard words. Only unambiguous spellings: "sa"
# ("ça" or "sa mère") and "peu" ("je peux" or "un peu") stay as they are.
SPELLINGS: dict[str, str] = {
    # pronoun + verb glued together
    "chui": "je suis",
    "chuis": "je suis",
    "jsui": "je suis",
    "jsuis": "je suis",
    "jsu": "je suis",
    "chai": "je sais",
    "chais": "je sais",
    "chepa": "je sais pas",
    "chepas": "je sais pas",
    "jsp": "je sais pas",
    "jsais": "je sais",
    "jsai": "je sais",
    "g": "j ai",
    "jai": "j ai",
    "jaimerai": "j aimerais",
    "jaimerais": "j aimerais",
    "ya": "il y a",
    "yaura": "il y aura",
    "c": "c est",
    "cest": "c est",
    "keske": "qu est ce que",
    "kesk": "qu est ce que",
    "kesko": "qu est ce que",
    "esque": "est ce que",
    "eske": "est ce que",
    # words
    "pa": "pas",
    "koi": "quoi",
    "kwa": "quoi",
    "kan": "quand",
    "qd": "quand",
    "ki": "qui",
    "ke": "que",
    "kel": "quel",
    "kels": "quels",
    "kelle": "quelle",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pourkoi": "pourquoi",
    "cmt": "comment",
    "komen": "comment",
    "koment": "comment",
    "komment": "comment",
    "rdv": "rendez vous",
    "rdvs": "rendez vous",
    "rendevous": "rendez vous",
    "qq1": "quelqu un",
    "qqn": "quelqu un",
    "qqun": "quelqu un",
    "kelkun": "quelqu un",
    "quelquun": "quelqu un",
    "qqch": "quelque chose",
    "qqc": "quelque chose",
    "ds": "dans",
    "ac": "avec",
    "avc": "avec",
    "tt": "tout",
    "ts": "tous",
    "bcp": "beaucoup",
    "bocou": "beaucoup",
    "bokou": "beaucoup",
    "msg": "message",
    "msgs": "messages",
    "mdp": "mot de passe",
    "ajd": "aujourd hui",
    "auj": "aujourd hui",
    "dmain": "demain",
    "vs": "vous",
    "fo": "faut",
    "fodrait": "faudrait",
    "veu": "veux",
    "veut": "veux",
    "vx": "veux",
    "px": "peux",
    "o": "au",
    "nouvo": "nouveau",
    "mrc": "merci",
    "mci": "merci",
    "slt": "salut",
    "bjr": "bonjour",
    "bsr": "bonsoir",
    "dac": "d accord",
    "dacc": "d accord",
    "dak": "d accord",
    "oue": "ouais",
    "ouai": "ouais",
    "we": "ouais",
    "wai": "ouais",
    "nn": "non",
    "ui": "oui",
    "compri": "compris",
    "comprend": "comprends",
    "compren": "comprends",
    "fer": "faire",
    "lir": "lire",
    "ecrir": "ecrire",
    "bloke": "bloque",
    "paume": "perdu",
    "paumee": "perdue",
    "doc": "document",
    "docs": "documents",
    "svp": "s il vous plait",
    "stp": "s il te plait",
}
# "jveu", "jpeu", "jme", "jlaisse": "je" glued to the next word (j + a consonant).
GLUED_JE = re.compile(r"j([bcdfhjklmnpqrstvwxz]\w{1,})")
# After "je", these spellings can only be the verb.
AFTER_JE = {"peu": "peux", "veu": "veux", "sai": "sais", "sui": "suis", "compren": "comprends"}


def _plain(word: str) -> str:
    word = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in word if unicodedata.category(c) != "Mn")


def standard_spelling(word: str) -> str:
    """The standard French words for one written word (the word itself when unknown)."""
    plain = _plain(word)
    if plain in SPELLINGS:
        return SPELLINGS[plain]
    glued = GLUED_JE.fullmatch(plain)
    if glued:
        rest = glued.group(1)
        return "je " + AFTER_JE.get(rest, SPELLINGS.get(rest, rest))
    return word


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class NormalisingTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer whose token lemmas are the standard spelling of each word."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return WhitespaceTokenizer.get_default_config()

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = standard_spelling(token.text)
        return tokens
