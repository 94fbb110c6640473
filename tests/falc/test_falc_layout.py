"""Rule 1: sentence length, one sentence per line, bubble size."""

import pytest
from falc_helpers import run

BROCHURE_OK = [
    "Mon espace santé est gratuit et facile à utiliser.",
    "Je choisis de recevoir un code d'activation par SMS ou par mail.",
    "Je reçois un nouveau code provisoire par SMS ou par mail.",
    "Je peux cacher des informations de Mon espace santé à certains professionnels.",
]


@pytest.mark.parametrize("text", BROCHURE_OK)
def test_brochure_sentences_are_short_enough(text):
    assert run("sentence-length", text, level="error") == []


def test_administrative_sentence_is_too_long():
    text = (
        "Afin de procéder à l'activation de votre espace numérique de santé, il convient de "
        "vous munir de votre carte Vitale ainsi que de votre attestation de droits."
    )
    [f] = run("sentence-length", text)
    assert f.level == "error" and f.words == ["27 words"]


def test_13_to_15_words_is_a_warning_and_16_an_error():
    w13 = "Le 3422 répond du lundi au vendredi, de 8 heures 30 à midi."
    assert [f.level for f in run("sentence-length", w13)] == ["warning"]
    w16 = "Vous pouvez appeler le 3422 du lundi au vendredi de 8 heures 30 à 17 heures 30."
    assert [f.level for f in run("sentence-length", w16)] == ["error"]


def test_placeholder_counts_as_one_word():
    assert run("sentence-length", "Votre rendez-vous est {date_text}.") == []


def test_one_sentence_per_line():
    assert run("one-sentence-per-line", "Bonjour.\nJe suis l'assistant.") == []
    [f] = run("one-sentence-per-line", "Bonjour. Je suis l'assistant de Mon espace santé.")
    assert f.level == "error"


def test_bubble_of_4_sentences_fails_list_items_do_not_count():
    four = "Bonjour.\nJe suis l'assistant.\nJe vous aide.\nQue voulez-vous faire ?"
    assert [f.words for f in run("bubble-size", four)] == [["4 sentences"]]
    listed = (
        "Je peux vous aider :\n- créer votre espace\n- noter un rendez-vous\n- voir vos documents"
    )
    assert run("bubble-size", listed) == []


def test_greeting_line_of_an_email_is_not_a_sentence():
    assert (
        run("bubble-size", "Bonjour,\nVotre code est {code}.\nIl marche 10 minutes.\nMerci.") == []
    )


def test_bubble_of_more_than_60_words_fails():
    line = "Vous pouvez voir vos documents et vos rendez-vous ici."  # 9 words
    text = "\n".join([line] * 3)  # 27 words: fine
    assert run("bubble-size", text) == []
    long = "\n".join(["Je peux vous aider :"] + ["- " + line] * 7)
    assert [f.words for f in run("bubble-size", long)] == [["67 words"]]


def test_labels_have_no_bubble_limits():
    four = "Oui.\nNon.\nPeut-être.\nJe ne sais pas."
    assert run("bubble-size", four, kind="label") == []
