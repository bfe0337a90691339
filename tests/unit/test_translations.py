"""The Urdu and Russian catalogues translate every string the code and templates use."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "matchmaker" / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "N_": None,
}


def extracted() -> set:
    """What `make messages` extracts: the msgids in use now."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    ids = set()
    for folder in ("matchmaker", "templates", "templates/_macros"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map, options_map, keywords=KEYWORDS
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.fixture(scope="module")
def in_use() -> set:
    return extracted()


def test_the_template_catalogue_is_current(in_use):
    with open(TRANSLATIONS / "messages.pot", "rb") as stream:
        pot = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(stream) if m.id}
    assert in_use - pot == set(), "run `make messages` and translate the new strings"
    assert pot - in_use == set(), "run `make messages`: the template lists unused strings"


@pytest.mark.parametrize("locale", ["ur", "ru"])
def test_every_string_is_translated(in_use, locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as stream:
        catalog = read_po(stream, locale=locale)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert not message.fuzzy, key
        assert all(s.strip() for s in strings), f"{locale}: {key!r} is not translated"
        if isinstance(message.id, tuple):
            assert len(strings) == catalog.num_plurals, key
        translated[key] = strings
    assert in_use - set(translated) == set()
    # Every placeholder of the English text, and no other, in every translation.
    problems = [(m.id, errors) for m, errors in catalog.check() if errors]
    assert problems == []
