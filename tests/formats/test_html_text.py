"""HTML from bank files as plain text (bot.formats._html): layout kept, markup and scripts gone."""

from __future__ import annotations

import pytest

from bot.formats._html import HtmlImage, html_to_text


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("plain  text\n with   spaces ", "plain text with spaces"),
        ("<p>one</p>\n<p>two</p>", "one\ntwo"),
        ("a<br>b<br/><br />c", "a\nb\n\nc"),
        (
            "<ul>\n <li>x</li>\n <li>y<ol><li>p</li><li>q</li></ol></li>\n</ul>z",
            "- x\n- y\n  1. p\n  2. q\nz",
        ),
        ("<table><tr><th>A</th><td>B</td></tr><tr><td>C</td></tr></table>", "A | B\nC"),
        ("<pre>def f():\n    return 1</pre>", "def f():\n    return 1"),
        ("<style>p {color: red}</style><script>alert(1)</script>shown", "shown"),
        ("&lt;script&gt; &amp; &eacute;&nbsp;&#233;", "<script> & é é"),
        ("<!-- hidden --><b>bold</b> <i>it</i>", "bold it"),
        ("<p>unclosed <b>tags", "unclosed tags"),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup).text == text


def test_images_are_collected_and_marked_unless_shown_beside() -> None:
    markup = (
        '<p>Flag <img src="a.png" alt="A  flag"> and <img src="b.png"> '
        '<img src="c.png" alt="C"></p>'
    )
    plain = html_to_text(markup)
    assert plain.text == "Flag and"
    assert plain.images == [
        HtmlImage("a.png", "A flag"),
        HtmlImage("b.png", ""),
        HtmlImage("c.png", "C"),
    ]
    assert html_to_text(markup, image_marks=True).text == "Flag [A flag] and [C]"
    assert html_to_text(markup, image_marks=True, unmarked="a.png").text == "Flag and [C]"
