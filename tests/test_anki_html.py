"""Anki field HTML → deck text (`anki_html.from_html`): the quick reading of simple markup against the parser."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dense1x1quiz.authoring import anki_html

_PIECES = (
    *"ab $\\()[]<>/&\x00\t\n\r\xa0",
    "x y",
    "  ",
    "<br>",
    "<br/>",
    "<br />",
    "</br>",
    "<b>",
    "</b>",
    "<sub>",
    "</sub>",
    "<div>",
    "</div>",
    "<div/>",
    "<p>",
    "</p>",
    "<ul>",
    "</ul>",
    "<ol>",
    "</ol>",
    "<li>",
    "</li>",
    "<td>",
    "<hr>",
    "<B>",
    "<span class=x>",
    "<img src=a.png>",
    "<script>",
    "</script>",
    "<style>",
    "<!-- c -->",
    "&amp;",
    "&nbsp;",
    "[sound:a.mp3]",
    "\\(x\\)",
    "<bogus>",
    "</li/>",
    "< b>",
)


def _parsed(field: str) -> tuple[list[str], list[str]]:
    parser = anki_html._FieldParser()
    parser.feed(field)
    parser.close()
    return parser.parts, parser.images


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
@example("Question 7: what does a 1×1 convolution do to H × W × C<sub>3</sub>?")
@example("Answer 7: mixes channels per pixel<br>(a dense layer at each position)")
def test_simple_markup_is_read_as_the_parser_reads_it(field):
    """Where `_simple_parts` reads a field itself (simple tags, no attributes, no entities), the handler
    gets the same calls as from `HTMLParser`: the same parts and images, so `from_html` gives the same text."""
    handler = anki_html._simple_parts(field)
    if handler is not None:
        assert (handler.parts, handler.images) == _parsed(field)


def test_simple_markup_takes_the_quick_reading():
    """The fields of a typical note (and of the benchmark) take the quick reading, and give what they gave."""
    for field, text in [
        ("C<sub>3</sub> &gt;", None),
        ("a<br>b<div>c</div><ul><li>x</li></ul>", "a\nb\nc\n- x"),
        ("Answer: mixes channels<br />(a dense layer)", "Answer: mixes channels\n(a dense layer)"),
        ("<b>bold</b> and <i>it</i>", "bold and it"),
    ]:
        assert (anki_html._simple_parts(field) is None) == (text is None)
        if text is not None:
            assert anki_html.from_html(field).text == text
