"""Rule 3: numbers in digits, no percentages, decimals, Roman numerals; dates in words."""

import pytest
from falc_helpers import run, words

from bot.falc.rules import is_roman


@pytest.mark.parametrize(
    "text, bad",
    [
        ("Vous avez trois nouveaux documents.", ["trois"]),
        ("Le code marche pendant dix minutes.", ["dix"]),
        ("Une dizaine de professionnels ont vu votre dossier.", ["dizaine"]),
        ("Il a dix-sept ans.", ["dix-sept"]),
        ("C'est votre deuxième rendez-vous.", ["deuxième"]),
        ("Le 3422 est ouvert de neuf heures à midi.", ["neuf"]),
    ],
)
def test_numbers_in_words_fail(text, bad):
    assert words(run("number-words", text)) == bad


@pytest.mark.parametrize(
    "text",
    [
        "Même s'ils sont séparés, les 2 parents pourront suivre la santé de leurs enfants.",
        "Un code arrive par SMS.",
        "C'est votre premier rendez-vous.",
        "Votre téléphone est tout neuf.",
    ],
)
def test_numbers_in_digits_pass(text):
    assert run("number-words", text) == []


def test_percentages_fail():
    assert words(run("percentage", "Remboursé à 70 % par l'Assurance Maladie.")) == ["%"]
    assert words(run("percentage", "Soixante-dix pour cent des frais.")) == ["pour cent"]
    assert run("percentage", "1 personne sur 2 fait ce dépistage.") == []


def test_decimals_fail():
    assert words(run("decimal", "Le reste à payer est de 7,50 euros.")) == ["7,50"]
    assert words(run("decimal", "Il pèse 3.5 kilos.")) == ["3.5"]
    assert run("decimal", "Appelez le 3422.") == []


@pytest.mark.parametrize("word", ["II", "IV", "XIV", "XXe", "Ier", "XXIe"])
def test_roman_numerals_are_found(word):
    assert is_roman(word)


@pytest.mark.parametrize("word", ["Le", "SMS", "I", "Vitale", "CD", "MD", "DIM", "IRM"])
def test_words_are_not_roman_numerals(word):
    assert not is_roman(word)


def test_roman_numeral_rule():
    assert words(run("roman-numeral", "Conformément au titre IV du code.")) == ["IV"]
    assert run("roman-numeral", "Le service est gratuit.") == []


@pytest.mark.parametrize(
    "text, bad",
    [
        ("Votre rendez-vous est le 03/12/2026.", ["03/12/2026"]),
        ("Votre rendez-vous est le 2026-12-03.", ["2026-12-03"]),
        ("Votre rendez-vous est à 10h30.", ["10h30"]),
        ("Votre rendez-vous est à 10 h 30.", ["10 h 30"]),
        ("Votre rendez-vous est à 14:00.", ["14:00"]),
        ("Votre rendez-vous est le 3 déc. 2026.", ["déc."]),
        ("Votre rendez-vous est le 03 décembre.", ["03 décembre"]),
    ],
)
def test_dates_not_in_full_words_fail(text, bad):
    assert words(run("date-format", text)) == bad


@pytest.mark.parametrize(
    "text",
    [
        "Votre rendez-vous est mardi 3 décembre 2026 à 10 heures 30.",
        "Le 3422 répond du lundi au vendredi de 8 heures 30 à 17 heures 30.",
        "Votre rendez-vous est {date_text}.",
        "Le 1er janvier.",
    ],
)
def test_dates_in_full_words_pass(text):
    assert run("date-format", text) == []
