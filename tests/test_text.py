"""The text helpers the writer and the checker share: sentences, who said a quotation, company names."""

from __future__ import annotations

import time

import pytest

from generator.attribution import attributed_quotes, document_headers, organisation_of
from generator.errors import ConfigError
from generator.prose import sentences
from generator.resources import resource_dir
from generator.writing.names import NameMap, Names, ap_name, load_names, short_name
from generator.writing.stories import split_ratio_words

RULES, MAPPING = load_names(resource_dir("rules"), resource_dir("editorial"))


# ------------------------------------------------------------------------------------------ sentences


SENTENCE_CASES = [
    ("Shares rose. Then they fell.", ["Shares rose.", "Then they fell."]),
    (
        "News Corp. Class B rose 5.4% on Nov. 10, 2017. It led.",
        ["News Corp. Class B rose 5.4% on Nov. 10, 2017.", "It led."],
    ),
    (
        "Shares of C.R. Bard Inc. rose. U.S. Steel fell.",
        ["Shares of C.R. Bard Inc. rose.", "U.S. Steel fell."],
    ),
    ("“We grew,” said Quell. “Next year too.”", ["“We grew,” said Quell.", "“Next year too.”"]),
    (
        "**Value: 33, weak.** On fundamentals dated March 8, 2017, it ranks low.",
        ["**Value: 33, weak.**", "On fundamentals dated March 8, 2017, it ranks low."],
    ),
    ("12 stocks rose! Did it? Yes.", ["12 stocks rose!", "Did it?", "Yes."]),
    ("It closed at $10.23. the end", ["It closed at $10.23. the end"]),  # no capital: no new sentence
]


@pytest.mark.parametrize(("text", "expected"), SENTENCE_CASES)
def test_sentences_end_where_a_reader_would_end_them(text, expected):
    assert sentences(text) == expected


# -------------------------------------------------------------------------------------- attribution


RELEASE = """Helix reports a record quarter
organisation: Helix Microdevices
kind: press_release

“We shipped more accelerators this quarter than ever,” said Mara Quell, chief executive of
Helix Microdevices. “Customers are planning whole campuses.”

Quell said orders were strong.

“Our outlook assumes packaging improves,” Devin Oyelaran, chief financial officer of Helix
Microdevices, said.

Ines Marlow, head of research at Calder & Voss, said: “GPU capacity behaves like a building.”

“Demand stayed firm,” Quell said.

“Nobody said this one.”
"""


def test_each_quotation_gets_the_speaker_the_text_gives_it():
    found = [(q.text, q.speaker, q.organisation) for q in attributed_quotes(RELEASE)]
    assert found == [
        ("We shipped more accelerators this quarter than ever", "Mara Quell", "Helix Microdevices"),
        ("Customers are planning whole campuses.", "Mara Quell", "Helix Microdevices"),  # continues
        ("Our outlook assumes packaging improves", "Devin Oyelaran", "Helix Microdevices"),
        ("GPU capacity behaves like a building.", "Ines Marlow", "Calder & Voss"),
        ("Demand stayed firm", "Mara Quell", "Helix Microdevices"),  # a surname resolves
        ("Nobody said this one.", None, None),
    ]


def test_headers_say_who_issued_a_document():
    title, headers, body_line = document_headers(RELEASE)
    assert title == "Helix reports a record quarter"
    assert headers == {"organisation": "Helix Microdevices", "kind": "press_release"}
    assert body_line == 3


def test_an_organisation_is_read_from_a_role():
    assert (
        organisation_of("chief executive of Harborgate Compute Properties") == "Harborgate Compute Properties"
    )
    assert organisation_of("head of digital infrastructure research at Calder & Voss") == "Calder & Voss"
    assert organisation_of("a spokeswoman") is None


@pytest.mark.parametrize(
    "text",
    [
        "“" + "a" * 1_200_000,  # an opening mark and 1.2 MB without a closing one or a full stop
        "“quoted words here,” said " + "Abc " * 300_000,  # a name that never ends
        ("“x y z,” said Mara Quell, " + "a" * 500) * 2_000,  # roles without a full stop
        "“" * 500_000,
    ],
)
def test_reading_attributions_takes_linear_time_on_hostile_text(text):
    started = time.perf_counter()
    attributed_quotes(text)
    assert time.perf_counter() - started < 2.0  # a backtracking pattern takes minutes on these


# ------------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("vendor", "ap", "short"),
    [
        ("Gap (The)", "The Gap", "Gap"),
        ("Lilly (Eli) & Co.", "Eli Lilly & Co.", "Eli Lilly"),
        ("Bard (C.R.) Inc.", "C.R. Bard Inc.", "C.R. Bard"),
        ("Newmont Mining Corp. (Hldg. Co.)", "Newmont Mining Corp.", "Newmont Mining"),
        ("Nvidia Corporation", "Nvidia Corp.", "Nvidia"),
        ("Coty, Inc", "Coty Inc.", "Coty"),
        ("3M Company", "3M Co.", "3M"),
        ("C. H. Robinson Worldwide", "C.H. Robinson Worldwide", "C.H. Robinson Worldwide"),
        ("U.S. Bancorp", "U.S. Bancorp", "U.S. Bancorp"),
        ("The Walt Disney Company", "Walt Disney Co.", "Walt Disney"),  # never "Trading in The Walt ..."
        ("The Cooper Companies", "Cooper Cos.", "Cooper"),
        ("The Travelers Companies Inc.", "Travelers Companies Inc.", "Travelers Companies"),
    ],
)
def test_vendor_names_in_ap_style_by_rule(vendor, ap, short):
    assert ap_name(vendor, RULES) == ap
    assert short_name(ap, RULES) == short


def test_the_editorial_map_wins_and_names_later_references():
    names = Names({"GPS": "Gap (The)", "LLY": "Lilly (Eli) & Co."}, RULES, MAPPING)
    assert names.name("GPS") == "Gap Inc." and names.short("GPS") == "Gap"
    assert names.short("LLY") == "Lilly"


def test_share_classes_are_one_company_led_by_class_a():
    raw = {"GOOG": "Alphabet Inc Class C", "GOOGL": "Alphabet Inc Class A", "AAPL": "Apple Inc."}
    names = Names(raw, RULES, NameMap())
    assert names.company("GOOG").tickers == ("GOOGL", "GOOG") and names.name("GOOG") == "Alphabet Inc."
    assert names.share_class("GOOG") == "C" and names.company_key("GOOG") == "GOOGL"
    assert names.company("AAPL").tickers == ("AAPL",)
    separate = Names(raw, RULES, NameMap(merge_share_classes=False))
    assert separate.company("GOOG").tickers == ("GOOG",)


def test_unmarked_share_classes_follow_the_editorial_list():
    names = Names({"UA": "Under Armour", "UAA": "Under Armour"}, RULES, MAPPING)
    assert names.company("UA").tickers == ("UAA", "UA")
    # the data names both "Under Armour"; the desk's map gives each its class
    assert (names.share_class("UAA"), names.share_class("UA")) == ("A", "C")
    marked = Names({"GOOGL": "Alphabet Inc Class A"}, RULES, NameMap(class_letters={"GOOGL": "C"}))
    assert marked.share_class("GOOGL") == "A"  # a class the name marks is the data's word


def test_a_class_letter_in_the_editorial_map_is_one_capital_letter(tmp_path):
    (tmp_path / "names.yaml").write_text("class_letters:\n  UA: class c\n")
    with pytest.raises(ConfigError, match=r"names\.yaml: key 'class_letters\.UA'"):
        load_names(resource_dir("rules"), tmp_path)


@pytest.mark.parametrize(
    ("ratio", "words"), [(4.0, "4-for-1"), (2.0, "2-for-1"), (1.5, "3-for-2"), (0.1, "1-for-10")]
)
def test_split_ratios_in_ap_figures(ratio, words):
    assert split_ratio_words(ratio) == words


@pytest.mark.parametrize(
    ("vendor", "ap"),
    [
        ("Smith (John Paul George) Holdings", "John Paul George Smith Holdings"),  # three words: a given name
        ("Smith (A B C D) Corp", "Smith Corp."),  # four words are not a given name: dropped
        ("Acme () Co", "Acme Co."),  # nothing inside: dropped
        ("Acme (Holding) Ltd", "Acme Ltd."),
        ("Acme (The) Plc", "Acme PLC"),  # "The" moves to the front, then goes before a legal suffix
        ("Acme (The)", "The Acme"),  # no suffix: kept
        ("Acme   Widgets   Incorporated", "Acme Widgets Inc."),  # spaces collapsed
        ("Corporation", "Corp."),
        ("", ""),
    ],
)
def test_ap_names_at_the_edges_of_the_rules(vendor, ap):
    assert ap_name(vendor, RULES) == ap


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Eli Lilly & Co.", "Eli Lilly"),  # the longer suffix wins over "Co."
        ("Berkshire Hathaway Inc., Inc.", "Berkshire Hathaway Inc."),  # one suffix only
        ("The Coca-Cola Co.", "Coca-Cola"),
        ("Inc.", "Inc."),  # nothing left: the name as it is
        ("The Inc.", "The"),  # only a leading "The " with its space is dropped
        ("Theranos", "Theranos"),  # "The" only as a word
        ("SPX Corp.", "SPX"),  # only spaces and commas go with the suffix
    ],
)
def test_later_references_drop_one_legal_suffix_and_a_leading_the(name, short):
    assert short_name(name, RULES) == short


def test_share_class_suffixes_are_split_off(tmp_path):
    raw = {"BF.A": "Brown-Forman Corp-A", "BF.B": "Brown-Forman Corp Cl. B", "X": "Xylem Class"}
    names = Names(raw, RULES, NameMap())
    assert names.name("BF.B") == "Brown-Forman Corp." and names.company("BF.B").tickers == ("BF.A", "BF.B")
    assert (names.share_class("BF.A"), names.share_class("BF.B"), names.share_class("X")) == ("A", "B", None)
    assert names.share_class("UNKNOWN") is None
    spaced = Names({"AX": "Acme X Class A", "AC": "Acme Corp - Class B"}, RULES, NameMap())
    assert (spaced.name("AX"), spaced.name("AC")) == ("Acme X", "Acme Corp.")  # a dash before the class goes


def test_the_editorial_map_is_optional_and_read_when_present(tmp_path):
    rules, mapping = load_names(resource_dir("rules"), tmp_path)
    assert mapping == NameMap() and mapping.merge_share_classes and rules.suffixes["Corp"] == "Corp."
    (tmp_path / "names.yaml").write_text(
        "names:\n  Acme Vendor Name: Acme Corp.\nmerge_share_classes: false\n"
    )
    _, mapping = load_names(resource_dir("rules"), tmp_path)
    assert mapping.names == {"Acme Vendor Name": "Acme Corp."} and not mapping.merge_share_classes
    (tmp_path / "names.yaml").write_text("nmes: {}\n")
    with pytest.raises(ConfigError, match=r"names\.yaml: key 'nmes'"):
        load_names(resource_dir("rules"), tmp_path)


def test_a_share_class_pattern_must_compile_and_name_its_group(tmp_path):
    text = (resource_dir("rules") / "names.yaml").read_text()
    for pattern, message in (("'(?P<x>[A-Z])$'", "group named share_class"), ("'(['", "not a valid regular")):
        (tmp_path / "names.yaml").write_text(
            "\n".join(
                f"share_class_pattern: {pattern}" if line.startswith("share_class_pattern:") else line
                for line in text.splitlines()
            )
        )
        with pytest.raises(ConfigError, match=message):
            load_names(tmp_path, tmp_path / "no-editorial-map")
