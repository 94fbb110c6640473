"""Rule 7: French that fits the person (elision before a vowel, both genders said to "vous")."""

import pytest
from falc_helpers import run, words


@pytest.mark.parametrize(
    "text, bad",
    [
        ("Vous voulez partager le dossier de Inès.", ["de Inès"]),
        ("Je ai reçu votre message.", ["Je ai"]),
        ("Il faut que il vienne.", ["que il"]),
        ("Le école a besoin du carnet.", ["Le école"]),
    ],
)
def test_a_missing_elision_fails(text, bad):
    assert words(run("elision", text, level="error")) == bad


@pytest.mark.parametrize(
    "text",
    [
        "Vous voulez partager le dossier d'Inès.",
        "Le dossier de Noah.",
        "Le dossier de {child}.",  # the code fills « de » or « d' » (of_name)
        "De 8 heures 30 à 17 heures 30.",
        "Choisissez le un ou le deux.",
        "Écrivez le code de 6 chiffres.",
        "Le SAMU, le numéro des urgences.",
    ],
)
def test_elided_or_consonant_passes(text):
    assert run("elision", text) == []


@pytest.mark.parametrize(
    "text, bad",
    [
        ("Vous êtes connecté.", ["Vous êtes connecté"]),
        ("Vous êtes déjà connecté.\nQue voulez-vous faire ?", ["Vous êtes déjà connecté"]),
        ("Vous n'êtes pas connecté.", ["Vous n'êtes pas connecté"]),
        ("Êtes-vous inscrit ?", ["Êtes-vous inscrit"]),
    ],
)
def test_a_masculine_said_to_vous_fails(text, bad):
    assert words(run("gender", text, level="error")) == bad


@pytest.mark.parametrize(
    "text",
    [
        "Vous êtes connecté ou connectée.",
        "Vous êtes dans votre espace santé.",
        "Vous êtes malade ?",  # the same word for everyone
        "Vous êtes connectés tous les deux.",
        "Vous êtes au bon endroit.",
    ],
)
def test_both_genders_or_a_neutral_word_passes(text):
    assert run("gender", text) == []
