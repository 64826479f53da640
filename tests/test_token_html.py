"""HTML written from the checker's markdown-it tokens equals python-markdown's, byte for byte.

python-markdown (the site's renderer, generator/site/pages.py) is the oracle: wherever the fast path
answers, its answer must be python-markdown's; where the two parsers could disagree it must decline.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from generator.checks.document import ParsedBody
from generator.site.pages import _converter, body_html
from generator.site.token_html import html_from_tokens
from tests.output_tree import readable

_MD = MarkdownIt("commonmark").enable("table")


def _python_markdown(body: str) -> str:
    return _converter(True).reset().convert(body)


def _fast(body: str) -> str | None:
    return html_from_tokens(body, _MD.parse(body))


def test_a_brief_shaped_body_is_written_as_python_markdown_writes_it():
    body = (
        'Acme & Co. (ACME) rose 2.1% to $10.23, its "best" day.\n\n'
        "## The signals\n\n"
        "- **Momentum: 82, strong.** Ranks high.\n"
        "- **Value: not scored.** No data.\n\n"
        "| Ticker | Change |\n|:--|--:|\n| ACME | 2.1% |\n| BETA | -0.4% |\n\n"
        "![Acme's close, past year](acme-alpha-score-2026-11-20.svg)\n\n"
        "Last line."
    )
    expected = (
        '<p>Acme &amp; Co. (ACME) rose 2.1% to $10.23, its "best" day.</p>\n'
        "<h2>The signals</h2>\n"
        "<ul>\n<li><strong>Momentum: 82, strong.</strong> Ranks high.</li>\n"
        "<li><strong>Value: not scored.</strong> No data.</li>\n</ul>\n"
        "<table>\n<thead>\n<tr>\n"
        '<th style="text-align: left;">Ticker</th>\n<th style="text-align: right;">Change</th>\n'
        "</tr>\n</thead>\n<tbody>\n<tr>\n"
        '<td style="text-align: left;">ACME</td>\n<td style="text-align: right;">2.1%</td>\n'
        "</tr>\n<tr>\n"
        '<td style="text-align: left;">BETA</td>\n<td style="text-align: right;">-0.4%</td>\n'
        "</tr>\n</tbody>\n</table>\n"
        '<p><img alt="Acme\'s close, past year" src="acme-alpha-score-2026-11-20.svg"></p>\n'
        "<p>Last line.</p>"
    )
    assert _fast(body) == expected
    assert _python_markdown(body) == expected


def test_a_loose_list_gives_each_item_a_paragraph():
    body = "- **Momentum: 31, weak.** Low.\n\n- **Value: 18, poor.** Lower."
    expected = (
        "<ul>\n<li>\n<p><strong>Momentum: 31, weak.</strong> Low.</p>\n</li>\n"
        "<li>\n<p><strong>Value: 18, poor.</strong> Lower.</p>\n</li>\n</ul>"
    )
    assert _fast(body) == expected == _python_markdown(body)


@pytest.mark.parametrize(
    "body",
    [
        "para\n- item",  # python-markdown needs a blank line before a list
        "- a\n- b\n\n- c",  # python-markdown makes only some items loose
        "- a\n* b",  # markdown-it starts a second list where the marker changes
        "Heading\n=======",  # setext heading
        "a \\*b\\*",  # backslash escapes
        "AT&amp;T",  # an entity
        "a <b>bold</b>",  # raw HTML
        "`code`",
        "[a link](https://example.com)",
        "![a photo](https://example.com/x.png)",  # not the article's chart
        "snake_case",
        "E*Trade rose",  # a lone asterisk
        "    indented code",
        "> a quote",
        "1. one\n2. two",
        "- a\n  - nested",
        "a  \nhard break",
        "text[^1]\n\n[^1]: a note",
        "| a |\n|---|",  # a table without rows
        "---",
    ],
)
def test_where_the_parsers_could_disagree_it_declines(body):
    assert _fast(body) is None


# Words a brief could hold, markdown punctuation among them; RISKY adds what the fast path declines.
_WORDS = ["Acme", "rose", "2.1%", "$10.23", "&", '"q"', "it's", ">", "#", "|", "-", "!", "[x]", "(y)",
          "*", "**", "a*b", "—", "é", "1.", "+", "=", ":"]  # fmt: skip
_RISKY = ["~", "_", "<", "&amp;", "\\", "`", "[^1]"]


def _bodies(words: list[str]) -> st.SearchStrategy[str]:
    text = st.lists(st.sampled_from(words), min_size=1, max_size=6).map(" ".join)
    inline = st.one_of(
        text, st.builds(lambda a, b: f"**{a}** {b}", text, text), st.builds(lambda a: f"*{a}*", text)
    )
    paragraph = st.lists(inline, min_size=1, max_size=3).map("\n".join)
    heading = st.builds(lambda level, words: "#" * level + " " + words, st.integers(1, 4), inline)
    bullets = st.builds(
        lambda items, marker, gap: gap.join(f"{marker} {item}" for item in items),
        st.lists(inline, min_size=1, max_size=4),
        st.sampled_from(["-", "*", "+"]),
        st.sampled_from(["\n", "\n\n"]),
    )
    table = st.builds(
        lambda align, rows: (
            "| A | B |\n|" + "|".join(align) + "|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
        ),
        st.lists(st.sampled_from(["---", ":--", "--:", ":-:"]), min_size=2, max_size=2),
        st.lists(st.tuples(text, text), min_size=0, max_size=3),
    )
    image = st.builds(lambda alt: f"![{alt}](acme-chart.svg)", text)
    blocks = st.lists(st.one_of(paragraph, heading, bullets, table, image), min_size=1, max_size=6)
    gaps = st.lists(st.sampled_from(["\n\n", "\n", "\n\n\n"]), min_size=6, max_size=6)
    return st.builds(lambda b, g: "".join(x + y for x, y in zip(b, g, strict=False)), blocks, gaps)


@pytest.mark.parametrize("words", [_WORDS, _WORDS + _RISKY], ids=["subset", "risky"])
def test_on_random_markdown_it_answers_only_with_python_markdowns_html(words):
    answered = []

    @settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_bodies(words))
    def compare(body):
        fast = _fast(body)
        answered.append(fast is not None)
        if fast is not None:
            assert fast == _python_markdown(body)

    compare()
    assert sum(answered) >= 40  # the fast path was exercised, not declined throughout


def test_the_site_page_body_is_the_same_through_either_path():
    body = "Acme rose.\n\n![Acme's close](acme-chart.svg)\n\n- **Momentum:** strong"
    parsed = ParsedBody(body, _MD.parse(body))
    assert body_html(body, ["acme-chart.svg"], parsed) == body_html(body, ["acme-chart.svg"])


@pytest.mark.pipeline
def test_every_generated_article_takes_the_fast_path_and_matches(sample_run):
    from generator.publish import split_front_matter, without_title_heading

    bodies = [
        without_title_heading(split_front_matter(path.read_text("utf-8"))[1])
        for path in readable(sample_run.out_dir)
        if path.suffix == ".md" and "sources" not in path.parts
    ]
    assert len(bodies) > 50
    fast = [(body, _fast(body)) for body in bodies]
    assert all(html is not None for _, html in fast)  # the templates stay inside the subset
    assert all(html == _python_markdown(body) for body, html in fast)
