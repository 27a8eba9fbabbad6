"""Glossary links stay right when the same texts come round again: the word finder remembers texts."""

from __future__ import annotations

from markupsafe import Markup

from webapp.glossary import link_terms, terms_used

TEXT = "A biopsy takes a small sample. The biopsy is then checked, and a CT scan may follow."


def linked(html: Markup) -> list[str]:
    return [part.split('"', 1)[0] for part in str(html).split('href="#word-')[1:]]


def test_each_page_links_the_first_use_of_a_word_even_when_an_earlier_page_had_the_same_text(app):
    for _ in range(3):  # one request per page; the text is remembered after the first
        with app.test_request_context("/"):
            html = link_terms(TEXT)
            assert linked(html) == ["biopsy", "ct"]
            assert "The biopsy is then checked" in html  # the second "biopsy" stays plain text
            assert [term.id for term in terms_used()] == ["biopsy", "ct"]


def test_a_word_linked_earlier_on_the_page_is_not_linked_again_in_a_remembered_text(app):
    with app.test_request_context("/"):
        link_terms("Before the CT scan, a biopsy.")
        assert linked(link_terms(TEXT)) == []
    with app.test_request_context("/"):  # a new page starts with nothing linked
        assert linked(link_terms(TEXT)) == ["biopsy", "ct"]


def test_safe_markup_and_a_plain_string_with_the_same_characters_are_kept_apart(app):
    # Markup equals the plain string with the same characters, yet only the plain one is escaped.
    characters = "Tom &amp; Jerry had a biopsy"
    with app.test_request_context("/"):
        plain = str(link_terms(characters))
    with app.test_request_context("/"):
        safe = str(link_terms(Markup(characters)))
    assert plain.startswith("Tom &amp;amp; Jerry")
    assert safe.startswith("Tom &amp; Jerry")
    assert linked(Markup(plain)) == linked(Markup(safe)) == ["biopsy"]


def test_text_is_escaped_before_words_are_linked(app):
    with app.test_request_context("/"):
        html = str(link_terms('<script>alert("biopsy")</script>'))
    assert "<script>" not in html
    assert html.startswith("&lt;script&gt;alert(&#34;")
    assert linked(Markup(html)) == ["biopsy"]
