"""Every citation rests on a publisher of policy/data/publishers.yaml, or says it does not.

A `ref.source` is accepted when its publisher (matched by URL prefix, then host suffix) is
on the list; otherwise the ref must be `secondary: true` with `confidence: low`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from churujing import DataError, load_policy
from churujing._yaml import load_yaml
from churujing.policy import load_policy_from
from churujing.policy.sources import (
    KINDS,
    PUBLISHERS_FILE,
    Publishers,
    citation_problems,
    file_problems,
    load_publishers,
)

POLICY = load_policy()
ROOT = Path(POLICY.root)
LAW = Path(POLICY.root).parent.parent / "law" / "announcement.yaml"

assert POLICY.publishers is not None
PUBLISHERS: Publishers = POLICY.publishers
DATA_FILES = sorted(f.relative_to(ROOT).as_posix() for f in ROOT.rglob("*.yaml")
                    if f.name != PUBLISHERS_FILE)

#: Files whose citations are still being re-sourced (xfail, strict: the mark must go once
#: they pass). None at present.
PENDING: dict[str, str] = {}


def _param(rel: str) -> object:
    if rel in PENDING:
        return pytest.param(rel, marks=pytest.mark.xfail(reason=PENDING[rel], strict=True))
    return rel


@pytest.mark.parametrize("rel", [_param(r) for r in DATA_FILES])
def test_every_source_is_on_the_list_or_marked_secondary(rel: str) -> None:
    problems = file_problems(load_yaml((ROOT / rel).read_bytes()), PUBLISHERS)
    assert problems == [], "\n".join(problems)


def test_the_law_file_cites_the_announcement_itself() -> None:
    source = load_yaml(LAW.read_bytes())["document"]["source"]
    publisher = PUBLISHERS.match(source)
    assert publisher is not None and publisher.kind == "announcement", source


def test_the_check_sees_every_data_file() -> None:
    assert set(citation_problems(ROOT, PUBLISHERS)) == set(DATA_FILES)
    assert len(DATA_FILES) > 20


@pytest.mark.parametrize(
    ("source", "publisher", "kind"),
    [
        ("https://www.nia.gov.cn/n897453/c1751080/content.html", "nia-announcement-2025-4",
         "announcement"),
        ("https://www.nia.gov.cn/n741440/n741542/c1688980/content.html", "nia", "government"),
        ("https://en.nia.gov.cn/n147418/n147463/c183412/content.html", "nia", "government"),
        ("http://gaj.changchun.gov.cn/xxgk/zcjd/202512/t20251227_3455750.html",
         "gov-cn-bodies", "government"),
        ("https://www.gov.cn/zhengce/2019-12/01/content_5457442.htm", "gov-cn",
         "state_council"),
        ("https://www.gov.cn/gongbao/content/2019/content_1.htm", "state-council-gazette",
         "gazette"),
        ("https://www.iso.org/obp/ui/#iso:code:3166:CN (CN-SN Shaanxi Sheng)", "iso",
         "standard"),
        ("http://news.cn/world/20240930/21b77d08aa414af6923fccd1589706b1/c.html", "xinhua",
         "outlet"),
        ("https://news.cgtn.com/news/2025-05-15/x.html", "cgtn", "outlet"),
    ],
)
def test_publishers_are_matched_most_specific_first(source: str, publisher: str,
                                                    kind: str) -> None:
    found = PUBLISHERS.match(source)
    assert found is not None and (found.id, found.kind) == (publisher, kind)


@pytest.mark.parametrize("source", [
    "http://jianaisc.com/2024-12/17/content_31803688.htm",    # a mirror of 东南网/新华社
    "https://www.cititic.com/news/mm/1499086-20200924.htm",   # a content farm
    "https://en.wikipedia.org/wiki/Hohhot",                   # a wiki
    "https://notgov.cn/x",                                    # a suffix, not a domain
    "https://www.nia.gov.cn.example.com/x",                   # a look-alike host
    "ftp://www.nia.gov.cn/x",                                 # not http(s)
    "国家移民管理局网站",                                       # not a URL
])
def test_mirrors_and_look_alikes_are_not_publishers(source: str) -> None:
    assert PUBLISHERS.match(source) is None


def test_the_publishers_file_is_well_formed() -> None:
    doc = load_yaml((ROOT / PUBLISHERS_FILE).read_bytes())
    assert set(doc["kinds"]) == set(KINDS)
    for kind in KINDS:  # each kind is described in both languages
        assert doc["kinds"][kind]["zh"] and doc["kinds"][kind]["en"]
    assert len(PUBLISHERS) == len(doc["publishers"])
    assert {p.kind for p in PUBLISHERS} == set(KINDS), "every kind has a publisher"
    announcement = [p for p in PUBLISHERS if p.kind == "announcement"]
    assert len(announcement) == 1 and announcement[0].urls  # one document, by its pages


_GOOD = {"kinds": {k: {"zh": k, "en": k} for k in KINDS},
         "publishers": [{"id": "nia", "kind": "government",
                         "name": {"zh": "国家移民管理局", "en": "NIA"}, "domains": ["nia.gov.cn"]}]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "blog"}, "kind must be one of"),
        ({"domains": ["https://nia.gov.cn"]}, "bare lower-case host suffix"),
        ({"domains": ["NIA.gov.cn"]}, "bare lower-case host suffix"),
        ({"domains": [], "urls": []}, "needs `domains`"),
        ({"urls": ["www.nia.gov.cn/x"], "domains": []}, r"must be an http\(s\) URL"),
        ({"name": {"zh": "国家移民管理局"}}, "name must be"),
        ({"id": ""}, "needs an `id`"),
    ],
)
def test_a_malformed_publisher_is_refused(change: dict[str, object], message: str) -> None:
    doc = {"kinds": _GOOD["kinds"], "publishers": [{**_GOOD["publishers"][0], **change}]}
    with pytest.raises(DataError, match=message):
        load_publishers(doc)


def test_duplicate_publishers_and_kinds_are_refused() -> None:
    twice = {**_GOOD, "publishers": _GOOD["publishers"] * 2}
    with pytest.raises(DataError, match="duplicate id"):
        load_publishers(twice)
    again = {**_GOOD, "publishers": [*_GOOD["publishers"],
                                     {**_GOOD["publishers"][0], "id": "nia2"}]}
    with pytest.raises(DataError, match="already listed by nia"):
        load_publishers(again)
    with pytest.raises(DataError, match="`kinds` must describe exactly"):
        load_publishers({**_GOOD, "kinds": {"outlet": {"zh": "x", "en": "x"}}})


# ------------------------------------------------------------------ planted bad references

_TABLE = """\
name: t.x
title: {{zh: 表, en: Table}}
key: id
items:
  - id: a
    periods:
      - from: 2025-01-01
        ref: {ref}
"""


def _plant(tmp_path: Path, ref: str) -> Path:
    (tmp_path / "t").mkdir(parents=True)
    (tmp_path / "t" / "x.yaml").write_text(_TABLE.format(ref=ref), encoding="utf-8")
    (tmp_path / PUBLISHERS_FILE).write_bytes((ROOT / PUBLISHERS_FILE).read_bytes())
    return tmp_path


def test_a_planted_mirror_source_is_rejected(tmp_path: Path) -> None:
    root = _plant(tmp_path, "{source: 'http://jianaisc.com/2024-12/17/content_31803688.htm',"
                            " confidence: high}")
    policy = load_policy_from(root)  # the loader takes it; the check does not
    assert policy.publishers is not None
    problems = citation_problems(root, policy.publishers)["t/x.yaml"]
    assert len(problems) == 1 and "jianaisc.com" in problems[0]
    assert problems[0].startswith("items[0].periods[0].ref:")


def test_a_mirror_marked_secondary_with_low_confidence_is_accepted(tmp_path: Path) -> None:
    root = _plant(tmp_path, "{source: 'http://jianaisc.com/x.htm', confidence: low,"
                            " secondary: true, note: 'no better source found'}")
    policy = load_policy_from(root)
    assert policy.publishers is not None
    assert citation_problems(root, policy.publishers)["t/x.yaml"] == []
    ref = policy.table("t.x").get("a").ref  # type: ignore[union-attr]
    assert ref.secondary and ref.to_dict()["secondary"] is True


@pytest.mark.parametrize("confidence", ["high", "med"])
def test_secondary_is_refused_above_low_confidence(tmp_path: Path, confidence: str) -> None:
    root = _plant(tmp_path, f"{{source: 'http://jianaisc.com/x.htm', confidence: {confidence},"
                            " secondary: true}")
    with pytest.raises(DataError, match="secondary is allowed only with confidence: low"):
        load_policy_from(root)


def test_secondary_must_be_a_boolean_and_mark_a_source(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="secondary must be true or false"):
        load_policy_from(_plant(tmp_path / "a", "{clause: M06.1, confidence: low,"
                                                " secondary: 'yes'}"))
    with pytest.raises(DataError, match="give the source"):
        load_policy_from(_plant(tmp_path / "b", "{clause: M06.1, confidence: low,"
                                                " secondary: true}"))


def test_attribute_references_are_checked_too() -> None:
    doc = {"items": [{"id": "a", "areas_ref": {"source": "https://knowcat.cn/x",
                                               "confidence": "med"}}]}
    problems = file_problems(doc, PUBLISHERS)
    assert len(problems) == 1 and problems[0].startswith("items[0].areas_ref:")


def test_an_item_source_needs_an_accepted_publisher_or_secondary_defaults() -> None:
    item = {"id": "x", "source": "https://en.wikipedia.org/wiki/Hohhot"}
    plain = {"defaults": {"periods": [{"ref": {"source": "https://en.wikipedia.org/wiki/X",
                                               "confidence": "high"}}]}, "items": [item]}
    assert len(file_problems(plain, PUBLISHERS)) == 2  # the default ref and the item
    marked = {"defaults": {"periods": [{"ref": {"source": "https://en.wikipedia.org/wiki/X",
                                                "confidence": "low", "secondary": True}}]},
              "items": [item]}
    assert file_problems(marked, PUBLISHERS) == []
