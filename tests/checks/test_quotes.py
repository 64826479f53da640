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


def test_an_insertion_after_a_figure_or_a_one_letter_word():
    index = SourceIndex("Shipments rose 15% in the quarter, and I think a recovery is near.")
    assert matches("15% [in] the quarter", index)
    assert matches("I [believe] a recovery is near", index)
    assert matches("and I think [that] a", index)
    assert not matches("I [believe] a recovery is nea", index)


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


def test_in_memory_sources_are_indexed_once_by_text(rules, default_front_matter, monkeypatch):
    """The pipeline passes read_source; the same text is indexed once however many articles use it."""
    from generator.checks import Checker

    checker = Checker(rules)
    reads: list[str] = []
    built: list[str] = []
    original = sources_module.SourceIndex.__init__

    def counting(self, raw):
        built.append(raw)
        original(self, raw)

    monkeypatch.setattr(sources_module.SourceIndex, "__init__", counting)

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
    assert len(built) == 1


def test_a_mismatch_finding_carries_the_closest_passage(checker, default_front_matter):
    """The review page shows the quote beside this passage with the differing words marked."""
    text = default_front_matter({"release": ""}) + "“Revenue rose strongly in the quarter,” it said.\n"
    source = "Revenue rose sharply in the quarter, the company said."
    report = checker.check(text, path="out/a.md", read_source=lambda ref: source).report
    [finding] = [f for f in report.findings if f.rule == "quotes.mismatch"]
    assert finding.passage.rstrip(",") == "Revenue rose sharply in the quarter"
    assert f'"{finding.passage}"' in finding.message
    assert finding.message.startswith(
        "this quote does not match the listed sources; closest passage in release ("
    )


def test_the_closest_passage_is_taken_from_the_source_most_like_the_quote(checker, write_article):
    sources = {
        "notes": "Margins were under some pressure in the period.\n",
        "release": "Revenue rose sharply in the quarter. Margins held firm, the company said.\n",
    }
    path = write_article("“Margins held steady, the company said,” a report noted.\n", sources=sources)
    [finding] = [f for f in checker.check_file(path).report.findings if f.rule == "quotes.mismatch"]
    assert finding.source == "release" and finding.passage.startswith("Margins held firm")


def test_parts_found_out_of_order_say_so(checker, write_article):
    source = {"release": "Revenue rose sharply in the quarter. Margins held firm, the company said.\n"}
    path = write_article("“Margins held firm … revenue rose sharply,” it said.\n", sources=source)
    [finding] = [f for f in checker.check_file(path).report.findings if f.rule == "quotes.mismatch"]
    assert finding.message == (
        "every part of this quote is in the listed sources, but not in this order in one source"
    )


@pytest.mark.parametrize(
    ("between", "quoted"),
    [(" … [sic] … ", "margins held steady,"), (" … , … ", "margins held steady")],
)
def test_the_quoted_words_of_a_failing_part_are_shown_as_written(checker, write_article, between, quoted):
    """The failing part as the article wrote it when its parts line up with the written ones (a
    part that is only an insertion is no part); as normalised when they do not."""
    source = {"release": "Revenue rose sharply in the quarter. Margins held firm, the company said.\n"}
    path = write_article(f"“Revenue rose sharply{between}margins held steady,” it said.\n", sources=source)
    [finding] = [f for f in checker.check_file(path).report.findings if f.rule == "quotes.mismatch"]
    assert finding.message.startswith("part 2 of 2 of this quote")
    assert finding.quoted == quoted


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
        ("Revenue [up] sharp[ly]", True),  # a closing insertion touching a word ends it
        ("Revenue [up] sharp", False),  # without one, the last word must end where the source's does
        ("Revenue [up] sharp [in]", False),  # ... as when the insertion is a word apart
        ("venue [up] sharply", False),  # the first word must start where the source's does
        ("Revenue [up] sharply [in] the quarter", True),
    ],
)
def test_insertions_at_the_edges_and_side_by_side(quote, verified):
    assert matches(quote) is verified


def test_a_listed_path_is_located_once_and_each_load_keeps_its_reference(tmp_path, monkeypatch):
    from generator.models import SourceRef

    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "release.txt").write_text("Revenue rose sharply.\n", encoding="utf-8")
    (tmp_path / "sources" / "broken.pdf").write_bytes(b"not a PDF at all")
    located, roots = [], []
    locate, of = sources_module.locate, SourceRoots.of
    monkeypatch.setattr(sources_module, "locate", lambda *args: located.append(args) or locate(*args))
    monkeypatch.setattr(SourceRoots, "of", lambda *args: roots.append(args) or of(*args))
    cache = sources_module.SourceCache()
    release = SourceRef(id="release", title="Release", path="sources/release.txt")
    first = cache.load(release, article_path=str(tmp_path / "a.md"), read_source=None)
    second = cache.load(release, article_path=str(tmp_path / "b.md"), read_source=None)
    assert first.ref is release and first.problem is None and second.index is first.index
    assert len(located) == 1 and len(roots) == 1  # one folder: its roots and the path are worked out once
    web = SourceRef(id="web", title="Web", url="https://example.com/release")
    assert cache.load(
        web, article_path=str(tmp_path / "a.md"), read_source=None
    ) == sources_module.LoadedSource(web, None)
    broken = SourceRef(id="broken", title="Broken", path="sources/broken.pdf")
    unreadable = cache.load(broken, article_path=str(tmp_path / "a.md"), read_source=None)
    assert unreadable.ref is broken and unreadable.index is None and unreadable.problem


@pytest.mark.parametrize(
    ("error", "problem"),
    [(OSError(5, "Input/output error"), "Input/output error"), (OSError(), "cannot be read")],
)
@pytest.mark.parametrize("failing", ["locate", "read_regular_file"])
def test_a_source_the_system_cannot_read_says_why_in_one_line(tmp_path, monkeypatch, error, problem, failing):
    from generator.models import SourceRef

    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "release.txt").write_text("Revenue rose sharply.\n", encoding="utf-8")

    def fail(*args):
        raise error

    monkeypatch.setattr(sources_module, failing, fail)
    cache = sources_module.SourceCache()
    release = SourceRef(id="release", title="Release", path="sources/release.txt")
    for _ in range(2):  # the reason is remembered as it was
        loaded = cache.load(release, article_path=str(tmp_path / "a.md"), read_source=None)
        assert (loaded.ref, loaded.index, loaded.problem) == (release, None, problem)
