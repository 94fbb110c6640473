from bot.falc.text import bubbles_of, mask


def test_placeholder_is_one_word_and_not_split():
    [b] = bubbles_of("Votre rendez-vous est {date_text}, chez {professional}.", False)
    [s] = b.sentences
    assert s.n_words == 6
    assert [t.kind for t in s.tokens].count("slot") == 2


def test_sentences_split_on_full_stop_and_capital_only():
    [b] = bubbles_of("Bonjour ! Je suis l'assistant. Ajoutez un signe, par exemple ! ou ?.", False)
    assert [s.text for s in b.sentences] == [
        "Bonjour !",
        "Je suis l'assistant.",
        "Ajoutez un signe, par exemple ! ou ?.",
    ]


def test_lines_and_list_items():
    [b] = bubbles_of("Vous pouvez :\n- voir vos documents\n- noter un rendez-vous", False)
    assert [s.line_no for s in b.sentences] == [0, 1, 2]
    assert [s.list_item for s in b.sentences] == [False, True, True]


def test_paragraphs_make_bubbles_for_emails():
    assert len(bubbles_of("Bonjour,\n\nVotre code est prêt.", True)) == 2
    assert len(bubbles_of("Bonjour,\n\nVotre code est prêt.", False)) == 1


def test_web_addresses_are_masked():
    masked, found = mask("Allez sur monespacesante.fr ou écrivez à aide@example.org.")
    assert found == ["monespacesante.fr", "aide@example.org"]
    assert "monespacesante" not in masked
