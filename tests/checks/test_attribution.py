"""How quotes.attribution compares names: organisations by their words, people by name or surname."""

from __future__ import annotations

import pytest

from generator.checks.attribution import _same_name, _same_person, _words


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Helix Microdevices, Inc.", ["helix", "microdevices"]),
        ("HELIX CORPORATION", ["helix"]),
        ("Acme Co. Ltd.", ["acme"]),  # every trailing legal suffix goes
        ("Acme Company PLC LLC Corp", ["acme"]),
        ("Inc. Acme", ["inc", "acme"]),  # only at the end
        ("Calder & Voss", ["calder", "voss"]),
        ("Company", []),
        ("", []),
    ],
)
def test_an_organisations_words(name, words):
    assert _words(name) == words


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Helix Microdevices Inc.", "helix microdevices", True),
        ("Helix Corp", "Helix Corporation", True),
        ("Calder & Voss", "Calder & Voss Research", True),  # two words begin the longer form
        ("Calder & Voss Research", "Calder & Voss", True),
        ("Calder", "Calder Voss", False),  # one word is not enough to match a longer name
        ("Voss Research", "Calder & Voss Research", False),  # it must begin it
        ("Helix Microdevices", "Harborgate Compute", False),
    ],
)
def test_organisations_match_on_their_words(a, b, same):
    assert _same_name(a, b) is same


@pytest.mark.parametrize(
    ("article", "source", "same"),
    [
        ("Mara Quell", "Mara Quell", True),
        ("mara quell", "Mara Quell", True),
        ("Quell", "Mara Quell", True),  # the surname alone, on a later reference
        ("Mara", "Mara Quell", False),  # a first name is not a reference
        ("Devin Oyelaran", "Mara Quell", False),
        ("Quell", "", False),
    ],
)
def test_people_match_by_name_or_surname(article, source, same):
    assert _same_person(article, source) is same
