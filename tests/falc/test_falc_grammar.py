"""Rule 4: negations, passive voice, speaking to the reader."""

import pytest
from falc_helpers import lex_ok, run, words

from bot.falc.lexicon import load
from bot.falc.rules import atoms, count_negations, find_passives
from bot.falc.text import tokenize

# --------------------------------------------------------------------------- negations


def negs(sentence: str) -> list[str]:
    return count_negations(atoms(tokenize(sentence)))


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Je peux créer Mon espace santé.", []),
        ("Certains professionnels n'ont pas accès à Mon espace santé.", ["n…pas"]),
        ("Ne donnez ce code à personne.", ["ne…personne"]),
        ("Vous ne pouvez pas annuler si vous n'avez pas de code.", ["ne…pas", "n…pas"]),
        ("Ce n'est ni possible ni utile.", ["n…ni"]),
        ("Je ne vois que 2 documents.", []),  # "ne…que" means "only"
        ("Aucun document pour le moment.", ["aucun"]),
        ("Aucun professionnel ne peut ouvrir votre dossier.", ["aucun…ne"]),
        ("Personne ne voit ce document.", ["personne…ne"]),
        ("C'est pas grave.", ["pas"]),
    ],
)
def test_negation_count(sentence, expected):
    assert negs(sentence) == expected


def test_one_negation_is_a_warning_two_an_error():
    assert [f.level for f in run("negation", "Ne donnez jamais votre code.")] == ["warning"]
    two = "Vous ne pouvez pas annuler si vous n'avez pas de code."
    assert [f.level for f in run("negation", two)] == ["error"]
    assert run("negation", "Gardez votre code secret.") == []


# --------------------------------------------------------------------------- passive


def passives(sentence: str) -> list[str]:
    return find_passives(atoms(tokenize(sentence)), load())


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Votre demande a été prise en compte.", ["été prise"]),
        ("Les documents sont transmis par votre médecin.", ["sont transmis"]),
        ("Votre rendez-vous sera annulé automatiquement.", ["sera annulé"]),
        ("Il est recommandé de consulter un médecin.", ["est recommandé"]),
        ("Votre dossier doit être complété par le professionnel.", ["être complété"]),
        ("Les résultats ont été envoyés.", ["été envoyés"]),
        ("Votre mail a bien été reçu.", ["été reçu"]),
        ("Votre dossier n'a pas encore été validé.", ["été validé"]),
        ("Ce type de fichier est refusé.", ["est refusé"]),
    ],
)
def test_passive_sentences_fail(sentence, expected):
    assert passives(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Mon espace santé est gratuit et facile à utiliser.",
        "Mon espace santé est protégé.",
        "Je suis informé quand un professionnel de santé a vu Mon espace santé.".replace(
            "Je suis informé", "Je reçois un message"
        ),
        "Vous êtes arrivé au bon endroit.",
        "Vous vous êtes trompé de code.",
        "C'est noté.",
        "Votre rendez-vous est prévu mardi.",
        "Vous êtes connecté.",
        "Le document est caché.",
        "Votre santé est importante.",
        "Le service est de nouveau là.",
        "Cet été, pensez à vos vaccins.",
    ],
)
def test_active_sentences_pass(sentence):
    assert passives(sentence) == []


def test_passive_rule_level():
    assert [f.level for f in run("passive", "Le document a été ajouté.")] == ["error"]


# --------------------------------------------------------------------------- address


@pytest.mark.parametrize(
    "text, bad",
    [
        ("L'usager doit renseigner ses coordonnées.", ["L'usager"]),
        ("Il convient de se munir de sa carte.", ["Il convient"]),
        ("Il est nécessaire de prendre rendez-vous.", ["Il est nécessaire"]),
        ("Le bénéficiaire reçoit un courrier.", ["Le bénéficiaire"]),
        ("Tu peux noter ton rendez-vous.", ["tu", "ton"]),
        ("Connecte-toi.", ["connecte-toi"]),
    ],
)
def test_not_speaking_to_the_reader_fails(text, bad):
    assert words(run("address", text)) == bad


@pytest.mark.parametrize(
    "text",
    [
        "Vous pouvez noter votre rendez-vous.",
        "Appuyez sur le bouton.",
        "Je peux créer Mon espace santé.",
        "Le médecin voit vos documents.",
    ],
)
def test_speaking_to_the_reader_passes(text):
    assert run("address", text) == []


def test_lex_helper_loads():
    assert lex_ok()
