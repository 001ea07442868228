"""Every Chinese sentence in the code has its English translation in a catalogue."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from churujing.i18n import T, catalogue

SRC = Path(__file__).parents[1] / "src" / "churujing"


def _msgids() -> set[str]:
    found: set[str] = set()
    method_map = [("**.py", "python")]
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(SRC), method_map=method_map, keywords={"T": None}
    ):
        if isinstance(message, str):
            found.add(message)
    return found


def test_sentences_are_found() -> None:
    assert len(_msgids()) > 50


def test_every_sentence_has_an_english_translation() -> None:
    english = catalogue("en")
    missing = sorted(m for m in _msgids() if not english.get(m))
    assert not missing, f"{len(missing)} sentences without English: {missing[:10]}"


def test_placeholders_survive_translation() -> None:
    import string

    english = catalogue("en")
    for msgid, msgstr in english.items():
        want = {f for _, f, _, _ in string.Formatter().parse(msgid) if f}
        got = {f for _, f, _, _ in string.Formatter().parse(msgstr) if f}
        assert want == got, (msgid, msgstr)


def test_text_renders_lazily_and_in_both_languages() -> None:
    t = T("截至{day}", day="2025-11-05")
    assert t.zh == "截至2025-11-05"
    assert t.en == "as of 2025-11-05"


def test_no_sentence_is_translated_two_ways() -> None:
    """The catalogues are merged, so a msgid must mean the same in every one of them."""
    from babel.messages.pofile import read_po

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for po in sorted((SRC / "locale" / "en" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for m in read_po(fh, locale="en"):
                if not m.id or not m.string:
                    continue
                msgid, msgstr = str(m.id), str(m.string)
                if msgid in seen and seen[msgid][1] != msgstr:
                    clashes.append((msgid, seen[msgid], (po.name, msgstr)))
                seen.setdefault(msgid, (po.name, msgstr))
    assert not clashes, clashes
