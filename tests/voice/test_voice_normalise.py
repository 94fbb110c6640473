"""Numbers, dates, times, phone numbers and codes are spoken in French words."""

import re
from pathlib import Path

import pytest
import yaml

from bot.voice.normalise import normalise_for_speech


def words(text: str) -> str:
    """The spoken words only: punctuation (pauses) removed, spaces collapsed."""
    return " ".join(re.sub(r"[.,;:!?]", " ", text).split())


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("3422", "trente-quatre vingt-deux"),
        ("Appelez le 3422.", "Appelez le trente-quatre vingt-deux."),
        ("Appelez le 3422, c'est gratuit.", "Appelez le trente-quatre vingt-deux, c'est gratuit."),
        ("Attendez 1 heure, puis recommencez.", "Attendez une heure, puis recommencez."),
        ("à 14:30, au 3422", "à quatorze heures trente, au trente-quatre vingt-deux"),
        ("Par exemple : camille1958.", "Par exemple: camille, un, neuf, cinq, huit."),
        ("un signe comme !.", "un signe comme point d'exclamation."),
        ("14:30", "quatorze heures trente"),
        ("14 h 30", "quatorze heures trente"),
        ("14h30", "quatorze heures trente"),
        ("à 10 heures 30", "à dix heures trente"),
        ("à 9 h", "à neuf heures"),
        ("à 1 h 05", "à une heure cinq"),
        ("à 21 h", "à vingt et une heures"),
        ("03/12/2026", "trois décembre deux mille vingt-six"),
        ("le 01/01/2027", "le premier janvier deux mille vingt-sept"),
        ("2026-12-03", "trois décembre deux mille vingt-six"),
        ("mardi 3 décembre 2026", "mardi trois décembre deux mille vingt-six"),
        ("le 1er mars", "le premier mars"),
        ("le 1 avril", "le premier avril"),
        ("Vous avez 71 ans.", "Vous avez soixante et onze ans."),
        ("en 2026", "en deux mille vingt-six"),
        ("3000 euros", "trois mille euros"),
        ("la 3e fois", "la troisième fois"),
        ("1,5 %", "un virgule cinq pour cent"),
        ("3,1416", "trois virgule un quatre un six"),
        ("https://www.monespacesante.fr", "mon espace santé point F R"),
        ("le 112", "le cent douze"),
    ],
)
def test_spoken_exactly(written: str, spoken: str) -> None:
    assert normalise_for_speech(written) == spoken


def test_phone_number_by_pairs() -> None:
    expected = "zéro six douze trente-quatre cinquante-six soixante-dix-huit"
    for written in ("06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78"):
        spoken = normalise_for_speech(f"Votre numéro : {written}.")
        assert words(spoken) == f"Votre numéro {expected}", written
        # Pauses between the pairs help the listener write the number down.
        assert spoken.count(",") == 4


def test_international_phone_number() -> None:
    spoken = normalise_for_speech("+33 6 12 34 56 78")
    pairs = "douze trente-quatre cinquante-six soixante-dix-huit"
    assert words(spoken) == f"plus trente-trois six {pairs}"


def test_masked_phone_number_says_only_what_is_shown() -> None:
    spoken = normalise_for_speech("Nous avons envoyé un code au 06 •• •• •• 12.")
    assert spoken == (
        "Nous avons envoyé un code au numéro qui commence par zéro six et finit par douze."
    )
    assert "•" not in normalise_for_speech("c•••@example.org")


def test_six_digit_code_digit_by_digit() -> None:
    spoken = normalise_for_speech("Votre code est 482915.")
    assert words(spoken) == "Votre code est quatre huit deux neuf un cinq"
    assert spoken.count(",") == 5  # a pause after each digit


def test_code_with_leading_zero_keeps_it() -> None:
    assert words(normalise_for_speech("007215")) == "zéro zéro sept deux un cinq"


def test_letters_and_digits_code_is_spelt() -> None:
    assert words(normalise_for_speech("Code AB12CD")) == "Code A B un deux C D"


def test_full_falc_answer_has_no_digit_left() -> None:
    text = (
        "Votre rendez-vous est mardi 3 décembre 2026 à 10 heures 30.\n"
        "Le numéro 3422 répond du lundi au vendredi de 8 h 30 à 17 h 30.\n"
        "Vous pouvez aussi aller sur monespacesante.fr"
    )
    spoken = normalise_for_speech(text)
    assert not re.search(r"\d", spoken)
    assert "trente-quatre vingt-deux" in spoken
    assert "de huit heures trente à dix-sept heures trente" in spoken
    assert "mon espace santé point F R" in spoken


def test_time_range_with_dash() -> None:
    assert normalise_for_speech("8:30–17:30") == "huit heures trente à dix-sept heures trente"


def test_lines_become_sentences_and_symbols_vanish() -> None:
    spoken = normalise_for_speech("Bonjour 👋\nQue voulez-vous faire ?\n**Mes documents**")
    assert spoken == "Bonjour. Que voulez-vous faire? Mes documents"


def test_abbreviations_are_said_in_full() -> None:
    assert normalise_for_speech("rdv avec Dr Martin") == "rendez-vous avec docteur Martin"


def test_invalid_date_is_not_invented() -> None:
    # 45/13 is no date: read as numbers, never as a month that does not exist.
    spoken = normalise_for_speech("45/13/2026")
    assert not any(month in spoken for month in ("janvier", "décembre"))
    assert not re.search(r"\d", spoken)


def test_hostile_input_does_not_crash() -> None:
    huge = "1" + " 000" * 300
    for text in ("", " ", "\x00\x01", "9" * 5000, "💥" * 100, "1/2/3/4/5", "+" * 50, "h:h", huge):
        assert isinstance(normalise_for_speech(text), str)


def test_every_answer_of_the_domain_is_spoken_in_words() -> None:
    domain = Path(__file__).resolve().parents[2] / "domain.yml"
    if not domain.is_file():
        pytest.skip("no domain.yml yet")
    responses = (yaml.safe_load(domain.read_text(encoding="utf-8")) or {}).get("responses") or {}
    texts = [
        v["text"]
        for vs in responses.values()
        for v in vs or []
        if isinstance(v, dict) and "text" in v
    ]
    assert texts
    for text in texts:
        spoken = normalise_for_speech(re.sub(r"\{[^}]*\}", "", text))
        assert not re.search(r"\d", spoken), (text, spoken)
        assert "trois mille quatre cent vingt-deux" not in spoken, text
