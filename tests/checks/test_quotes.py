"""Quote matching: normalisation, parts and insertions, the closest passage, one index per source."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.checks import load_rules
from generator.checks import sources as sources_module
from generator.checks.quotes import compile_quote
from generator.checks.source_files import SourceRoots
from generator.checks.sources import SourceIndex, normalize_text

SETTINGS = load_rules().settings["quotes"]
SOURCE = SourceIndex(
    'The chief executive said: "We don\'t expect the shortage to last —\n demand remains strong." '
    "Revenue rose sharply in the quarter. The company will reduce leverage over two years."
)


def matches(quote: str, index: SourceIndex = SOURCE) -> bool:
    return index.contains_in_order(compile_quote(quote, SETTINGS))


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        ("“We don’t expect”", "We don't expect"),
        ("‘quoted’ words", "quoted words"),
        ("rose — sharply – now - then -- again", "rose - sharply - now - then - again"),
        ("a\u00a0b \n\t c", "a b c"),
        ("ﬁnancial", "financial"),  # NFKC
        ("investors' money, [Acme]'s unit", "investors money, [Acme]'s unit"),
    ],
)
def test_normalisation(article, expected):
    assert normalize_text(article) == expected


@pytest.mark.parametrize(
    ("quote", "verified"),
    [
        ("We don't expect the shortage to last - demand remains strong.", True),
        ("we don’t expect the shortage to last — demand", True),  # first letter either case
        ("We don't expect the Shortage to last", False),  # case matters after the first letter
        ("Revenue rose sharply in the quarter,", True),  # AP comma inside the quote
        ("Revenue rose sharply ... reduce leverage over two years", True),
        ("Reduce leverage over two years … revenue rose sharply", False),
        ("Revenue rose sharply in the quarter. The company will", True),
        ("Revenue rose sharp", False),  # a part must end on a word boundary
        ("evenue rose sharply in", False),  # and start on one
        ("[The CEO] said: We don't expect", True),  # a leading insertion constrains nothing
        ("The company [Helix] will reduce leverage", True),  # an insertion may stand for no words
        ("The chief executive [Jane Doe] to last", True),  # or for up to six
        ("The chief executive [Jane Doe] last", False),  # seven is too many
    ],
)
def test_matching(quote, verified):
    assert matches(quote) is verified


def test_an_insertion_touching_a_word_stands_for_part_of_it():
    index = SourceIndex("Analysts said the company's revenue rose sharply.")
    assert matches("[T]he company's revenue rose sharply", index)
    assert matches("analysts said [Acme]'s revenue rose", index)


def test_closest_passage_points_at_the_one_word_change():
    similarity, passage = SOURCE.closest(normalize_text("Revenue rose strongly in the quarter"))
    assert passage == "Revenue rose sharply in the quarter."
    assert 80 <= similarity < 100


def test_closest_passage_when_the_shared_words_sit_at_the_very_start_of_the_source():
    """The shared pair votes for a start before the source's first word; the window is clamped."""
    index = SourceIndex("Revenue rose sharply.")
    similarity, passage = index.closest("Analysts and investors agreed that revenue rose")
    assert passage.startswith("Revenue rose")
    assert 0 < similarity < 100


def test_closest_passage_is_none_when_nothing_is_shared():
    assert SOURCE.closest("zebra quokka aardvark") is None


_WORDS = st.sampled_from(
    [
        "revenue",
        "rose",
        "sharply",
        "the",
        "company",
        "said",
        "margins",
        "fell",
        "while",
        "demand",
        "held",
        "firm",
    ]
)


@settings(max_examples=60, deadline=None)
@given(words=st.lists(_WORDS, min_size=12, max_size=60), data=st.data())
def test_any_verbatim_span_of_a_source_verifies_whatever_its_quote_marks_and_line_breaks(words, data):
    """Property: a run of >= 4 source words, re-typed with curly quotes and wrapped, always matches."""
    source = SourceIndex(" ".join(words) + ".")
    start = data.draw(st.integers(0, len(words) - 4))
    end = data.draw(st.integers(start + 4, len(words)))
    span = words[start:end]
    wrap = data.draw(st.integers(1, len(span) - 1))
    quote = "“" + " ".join(span[:wrap]) + "\n" + " ".join(span[wrap:]) + ",”"
    assert matches(quote.strip("“”"), source)


@settings(max_examples=60, deadline=None)
@given(words=st.lists(_WORDS, min_size=8, max_size=40, unique=True), data=st.data())
def test_a_changed_word_never_verifies(words, data):
    """Property: replacing one word of a span with a word absent from the source breaks the match."""
    source = SourceIndex(" ".join(words))
    start = data.draw(st.integers(0, len(words) - 4))
    span = words[start : start + 4]
    span[data.draw(st.integers(1, 3))] = "xylophone"
    assert not matches(" ".join(span), source)


def test_each_source_file_is_read_and_indexed_once_per_process(rules, write_article, tmp_path, monkeypatch):
    from generator.checks import Checker

    built: list[str] = []
    original = sources_module.SourceIndex.__init__

    def counting(self, raw):
        built.append(raw[:20])
        original(self, raw)

    monkeypatch.setattr(sources_module.SourceIndex, "__init__", counting)
    checker = Checker(rules)
    release = {"release": "Revenue rose sharply in the quarter, the company said.\n"}
    quote = "“Revenue rose sharply in the quarter,” it said.\n"
    for n in range(5):
        checker.check_file(write_article(quote, sources=release, name=f"a{n}"))
    nested = tmp_path / "nested"
    nested.mkdir()
    text = (tmp_path / "a0.md").read_text(encoding="utf-8").replace("path: sources/", "path: ../sources/")
    (nested / "b.md").write_text(text, encoding="utf-8")
    report = checker.check_file(nested / "b.md", source_roots=SourceRoots.of(tmp_path)).report
    assert not [f for f in report.findings if f.rule.startswith(("quotes", "sources"))]
    assert len(built) == 1  # the same file by another relative path is the same source


def test_in_memory_sources_are_indexed_once_by_text(rules, default_front_matter):
    """The pipeline passes read_source; the same text is indexed once however many articles use it."""
    from generator.checks import Checker

    checker = Checker(rules)
    reads: list[str] = []

    def read_source(ref):
        reads.append(ref.id)
        return "Revenue rose sharply in the quarter, the company said." if ref.id == "release" else None

    text = (
        default_front_matter({"release": "", "gone": ""})
        + "“Revenue rose sharply in the quarter,” it said.\n"
    )
    for _ in range(3):
        report = checker.check(text, path="out/a.md", read_source=read_source).report
        assert [f.rule for f in report.findings if f.rule.startswith(("quotes", "sources"))] == [
            "sources.missing"
        ]
    assert reads == ["release", "gone"] * 3
    assert len(checker._sources._by_text) == 1


def test_a_mismatch_finding_carries_the_closest_passage(checker, default_front_matter):
    """The review page shows the quote beside this passage with the differing words marked."""
    text = default_front_matter({"release": ""}) + "“Revenue rose strongly in the quarter,” it said.\n"
    source = "Revenue rose sharply in the quarter, the company said."
    report = checker.check(text, path="out/a.md", read_source=lambda ref: source).report
    [finding] = [f for f in report.findings if f.rule == "quotes.mismatch"]
    assert finding.passage.rstrip(",") == "Revenue rose sharply in the quarter"
    assert f'"{finding.passage}"' in finding.message


def test_closest_passage_in_a_long_source_is_found_by_its_word_pairs():
    """Filler of 400 words around one sentence; the misquote shares its word pairs with that
    sentence only, and one changed word of seven keeps it most, not all, alike."""
    filler = " ".join(f"word{i}" for i in range(200))
    index = SourceIndex(f"{filler} Margins widened sharply in the third quarter. {filler}")
    similarity, passage = index.closest("margins widened strongly in the third quarter")
    assert passage == "Margins widened sharply in the third quarter."
    assert 85 <= similarity < 100
    assert index.closest("word0 word1") == (100, "word0 word1")
    assert SourceIndex("").closest("anything") is None
    assert index.closest("") is None


def test_a_misquote_names_the_part_that_fails_and_the_closest_passage(checker, write_article):
    source = {"release": "Revenue rose sharply in the quarter. Margins held firm, the company said.\n"}
    path = write_article("“Revenue rose sharply … margins held steady,” it said.\n", sources=source)
    [finding] = [f for f in checker.check_file(path).report.findings if f.rule == "quotes.mismatch"]
    assert finding.message.startswith("part 2 of 2 of this quote does not match the listed sources; ")
    assert "closest passage in release" in finding.message and finding.source == "release"
    assert finding.quoted == "margins held steady,”" or finding.quoted.startswith("margins held steady")


@pytest.mark.parametrize(
    ("quote", "verified"),
    [
        ("Revenue rose sharply in [the quarter]", True),  # a trailing insertion constrains nothing
        ("[Helix] revenue rose sharply", True),  # after a leading one the first letter may change case
        ("[Helix] evenue rose sharply", False),  # but it starts a word
        ("Revenue [x] sharply [y] quarter", True),  # one word for each of two insertions
        ("Revenue [x] quarter", True),  # three words for one: within six
        ("The chief executive [x] [y] shortage to last", True),  # two brackets side by side: up to twelve
        ("The chief executive [x] strong", False),  # eleven words for one insertion
        ("The chief executive [x] [y] strong", True),  # ... but two adjacent brackets stand for twelve
        ("[R]evenue rose sharply", True),  # an insertion touching a word stands for part of it
        ("Revenue rose sharp[ly] in the quarter", True),
        ("Revenue ros[x] in the quarter", True),  # the rest of a word and the words after it
        ("Revenue [x] the year", False),  # the words after it must follow
    ],
)
def test_insertions_at_the_edges_and_side_by_side(quote, verified):
    assert matches(quote) is verified
