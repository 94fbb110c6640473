"""Rules 2, 5 and 6: abbreviations, acronyms, common words, one word for one thing."""

import pytest
from falc_helpers import run, words

# --------------------------------------------------------------------------- abbreviations


@pytest.mark.parametrize(
    "text, bad",
    [
        ("Votre rdv avec le Dr Martin est noté.", ["rdv", "Dr"]),
        ("Apportez votre carte, votre ordonnance, etc.", ["etc"]),
        ("Indiquez le n° de série.", ["n°"]),
        ("M. Dupont vous attend.", ["M."]),
        ("Le rendez-vous dure 20 min.", ["20 min"]),
        ("Choisissez SMS/mail.", ["/"]),
        ("Vos ordonnances & vos résultats.", ["&"]),
    ],
)
def test_abbreviations_fail(text, bad):
    assert words(run("abbreviation", text)) == bad


@pytest.mark.parametrize(
    "text",
    [
        "Je peux appeler le numéro national et gratuit 3422.",
        "Je peux créer mon espace santé sur mon ordinateur en allant sur monespacesante.fr",
        "Un tel rendez-vous est utile.",
        "Votre rendez-vous est {date_text}.",
    ],
)
def test_brochure_style_has_no_abbreviation(text):
    assert run("abbreviation", text) == []


# --------------------------------------------------------------------------- acronyms


def test_unexplained_acronym_fails():
    assert words(run("acronym", "Votre NIR figure sur votre attestation CPAM.")) == ["NIR", "CPAM"]


def test_acronym_explained_in_the_same_message_passes():
    text = "Le NIR (votre numéro de sécurité sociale) est sur votre carte Vitale."
    assert run("acronym", text) == []


def test_allowed_acronyms_and_the_3422_pass():
    assert run("acronym", "Je choisis de recevoir un code par SMS ou par mail.") == []
    assert run("acronym", "Appelez le 3422.") == []


def test_unknown_service_number_fails():
    assert words(run("acronym", "Appelez le 3615.")) == ["3615"]


def test_whole_word_in_capitals_fails():
    [f] = run("acronym", "ATTENTION : ne donnez jamais votre code.")
    assert f.words == ["ATTENTION"] and "capitals" in f.hint


# --------------------------------------------------------------------------- common words

BROCHURE = [
    "Mon espace santé est un carnet de santé sur internet.",
    "J'indique ma date de naissance et le numéro de série de ma carte Vitale.",
    "Je vérifie mes coordonnées puis je crée un identifiant et un mot de passe.",
    "Des médecins comme mon médecin traitant, des spécialistes, des kiné, des infirmiers.",
    "Je peux partager mes documents médicaux avec les professionnels de santé.",
    "Grâce à la messagerie sécurisée, je parle avec mes professionnels de santé.",
    "Gérer mes rendez-vous et recevoir des rappels de dépistage et de vaccination.",
    "Mes ordonnances, mes résultats d'analyses de sang, mes comptes rendus de radiologie.",
    "Vérifiez le code et réessayez.",
    "Nous vous répondrons plus tard.",
    "Vous recevrez un rappel avant le rendez-vous.",
    "Par exemple : paracétamol.",
    "En téléchargeant l’application Mon espace santé sur l’Appstore ou Google Play.",
]


@pytest.mark.parametrize("text", BROCHURE)
def test_brochure_words_are_common(text):
    assert run("uncommon-word", text) == []


@pytest.mark.parametrize(
    "text, bad",
    [
        ("Le titulaire susmentionné doit se présenter.", ["susmentionné"]),
        ("Nonobstant les dispositions précitées, le délai court.", ["précitées"]),
        ("La téléconsultation est remboursée.", ["téléconsultation"]),
    ],
)
def test_rare_words_fail(text, bad):
    assert set(bad) <= set(words(run("uncommon-word", text)))


@pytest.mark.parametrize(
    "text, hard",
    [
        (
            "Veuillez effectuer la démarche préalablement.",
            ["veuillez", "effectuer", "préalablement"],
        ),
        ("Afin de bénéficier du dispositif, renseignez le formulaire.", ["afin", "bénéficier"]),
    ],
)
def test_administrative_words_fail_even_when_frequent(text, hard):
    found = words(run("uncommon-word", text))
    assert set(hard) <= set(found)


def test_names_in_the_middle_of_a_sentence_are_not_checked():
    assert run("uncommon-word", "Le médecin Kowalczyk vous a écrit sur Telegram.") == []


def test_glossary_phrases_pass():
    assert run("uncommon-word", "Vos directives anticipées et votre carte Vitale.") == []


# --------------------------------------------------------------------------- synonyms


@pytest.mark.parametrize(
    "text, bad",
    [
        ("Le docteur a ajouté une ordonnance.", ["docteur"]),
        ("Votre consultation est mardi.", ["consultation"]),
        ("Nous vous envoyons un courriel.", ["courriel"]),
        ("Vous pouvez masquer ce document.", ["masquer"]),
        ("Votre dossier médical partagé est prêt.", ["dossier médical partagé"]),
    ],
)
def test_synonyms_fail(text, bad):
    assert words(run("synonym", text)) == bad


@pytest.mark.parametrize(
    "text",
    [
        "Le médecin a ajouté une ordonnance.",
        "Votre rendez-vous est mardi.",
        "Je choisis de recevoir un code par SMS ou par mail.",
        "Je peux cacher des informations de Mon espace santé à certains professionnels.",
        "Les professionnels de santé peuvent consulter Mon espace santé.",
    ],
)
def test_preferred_words_pass(text):
    assert run("synonym", text) == []
