"""Hard words explain themselves where they stand, and stay right when the same texts come round again."""

from __future__ import annotations

import re

from markupsafe import Markup

from webapp.glossary import link_terms

TEXT = "A biopsy takes a small sample. The biopsy is then checked, and a CT scan may follow."


def explained(html: Markup) -> list[str]:
    """The glossary ids whose explanation the text opens, in order."""
    return re.findall(r'class="ig-term" popovertarget="def-([a-z0-9_-]+)"', str(html))


def test_each_page_explains_the_first_use_of_a_word_even_when_an_earlier_page_had_the_same_text(app):
    for _ in range(3):  # one request per page; the text is remembered after the first
        with app.test_request_context("/"):
            html = link_terms(TEXT)
            assert explained(html) == ["biopsy", "ct"]
            assert "The biopsy is then checked" in html  # the second "biopsy" stays plain text


def test_the_explanation_sits_beside_the_word_and_can_be_closed(app):
    rulebook = app.extensions["rulebook"]
    with app.test_request_context("/"):
        html = str(link_terms("Before a biopsy."))
    assert '<span class="ig-term__box" id="def-biopsy" popover>' in html
    assert html.index('popovertarget="def-biopsy"') < html.index('id="def-biopsy"')
    assert f"<strong>Biopsy:</strong> {rulebook.glossary['biopsy'].definition}" in html
    assert (
        'popovertargetaction="hide">Close<span class="ig-vh"> the explanation of biopsy</span></button>'
        in html
    )


def test_a_word_explained_earlier_on_the_page_is_not_explained_again_in_a_remembered_text(app):
    with app.test_request_context("/"):
        link_terms("Before the CT scan, a biopsy.")
        assert explained(link_terms(TEXT)) == []
    with app.test_request_context("/"):  # a new page starts with nothing explained
        assert explained(link_terms(TEXT)) == ["biopsy", "ct"]


def test_safe_markup_and_a_plain_string_with_the_same_characters_are_kept_apart(app):
    # Markup equals the plain string with the same characters, yet only the plain one is escaped.
    characters = "Tom &amp; Jerry had a biopsy"
    with app.test_request_context("/"):
        plain = str(link_terms(characters))
    with app.test_request_context("/"):
        safe = str(link_terms(Markup(characters)))
    assert plain.startswith("Tom &amp;amp; Jerry")
    assert safe.startswith("Tom &amp; Jerry")
    assert explained(Markup(plain)) == explained(Markup(safe)) == ["biopsy"]


def test_text_is_escaped_before_words_are_explained(app):
    with app.test_request_context("/"):
        html = str(link_terms('<script>alert("biopsy")</script>'))
    assert "<script>" not in html
    assert html.startswith("&lt;script&gt;alert(&#34;")
    assert explained(Markup(html)) == ["biopsy"]


def test_a_word_in_a_template_literal_is_explained_once_on_every_page_not_only_the_first(app):
    # Jinja would work out `"biopsy" | glossary` once, at compile time, for the first request only.
    template = app.jinja_env.from_string('{{ "biopsy" | glossary }} and {{ text | glossary }}')
    for _ in range(2):
        with app.test_request_context("/"):
            html = template.render(text="Two biopsies.")
            assert explained(Markup(html)) == ["biopsy"]
