"""Feed readers: JSONL, CSV, RSS/Atom and standard input; malformed items by position. All inputs are SYNTHETIC."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from corevar.errors import NewsInputError
from corevar.news.items import items_from_records, read_items, sniff_format


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_jsonl_keeps_id_url_and_accepts_summary_aliases(tmp_path: Path) -> None:
    feed = _jsonl(
        tmp_path / "f.jsonl",
        [
            {
                "id": "x1",
                "title": "Synthetic A",
                "lead": "lead text",
                "published": "2025-01-02",
                "url": "https://e.org/1",
            },
            {"title": "Synthetic B", "description": "<p>desc</p>", "published": "2025-01-03T10:00:00Z"},
            {"title": "Synthetic C", "body": "body  text", "published": "Mon, 06 Jan 2025 10:00:00 GMT"},
        ],
    )
    result = read_items(feed)
    assert [i.title for i in result.items] == ["Synthetic A", "Synthetic B", "Synthetic C"]
    a, b, c = result.items
    assert (a.id, a.url, a.summary, a.published) == ("x1", "https://e.org/1", "lead text", date(2025, 1, 2))
    assert b.published == date(2025, 1, 3) and c.published == date(2025, 1, 6)
    assert c.summary == "body text"
    assert result.skipped == 0


def test_malformed_items_are_reported_by_position_and_skipped(tmp_path: Path) -> None:
    feed = _jsonl(
        tmp_path / "f.jsonl",
        [{"title": "ok"}, "{not json", {"title": ""}, {"title": "bad date", "published": "someday"}, [1, 2]],
    )
    result = read_items(feed)
    assert [i.title for i in result.items] == ["ok"]
    assert result.skipped == 4
    text = "\n".join(str(p) for p in result.problems)
    assert f"{feed}:2: not valid JSON" in text
    assert f'{feed}:3: field "title"' in text
    assert f'{feed}:4: field "published"' in text
    assert f"{feed}:5: expected an object" in text


def test_strict_rejects_the_whole_feed(tmp_path: Path) -> None:
    feed = _jsonl(tmp_path / "f.jsonl", [{"title": "ok"}, {"title": ""}])
    with pytest.raises(NewsInputError) as err:
        read_items(feed, strict=True)
    assert "rejected (--strict)" in str(err.value)
    assert err.value.exit_code == 2


def test_a_feed_with_no_good_item_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NewsInputError):
        read_items(_jsonl(tmp_path / "f.jsonl", ["nope"]))


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(NewsInputError, match="no such file"):
        read_items(tmp_path / "missing.jsonl")
    with pytest.raises(NewsInputError, match="unknown feed format"):
        read_items(tmp_path / "x", fmt="xml")


def test_csv_rows_by_line_and_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        'title,summary,published,source,url\nA,"s, with comma",2025-01-01,Wire,https://e.org/a\nB,x,2025-01-02,W,u,extra\n'
    )
    result = read_items(path)
    assert [i.title for i in result.items] == ["A"]
    assert result.items[0].summary == "s, with comma"
    assert "f.csv:3: more cells than header columns" in str(result.problems[0])


def test_csv_without_title_column(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("headline,url\nA,https://e.org\n")
    with pytest.raises(NewsInputError, match="no 'title' column"):
        read_items(path)


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Synthetic Wire</title>
<item><title>Synthetic one</title><link>https://e.org/1</link><description>&lt;b&gt;bold&lt;/b&gt; text</description>
<pubDate>Tue, 07 Jan 2025 08:00:00 GMT</pubDate><guid>g1</guid></item>
<item><title></title><link>https://e.org/2</link></item>
</channel></rss>"""


def test_rss_entries_by_number(tmp_path: Path) -> None:
    pytest.importorskip("feedparser")
    path = tmp_path / "f.xml"
    path.write_text(RSS, encoding="utf-8")
    result = read_items(path)
    assert [i.title for i in result.items] == ["Synthetic one"]
    item = result.items[0]
    assert (item.url, item.source, item.id, item.published) == (
        "https://e.org/1",
        "Synthetic Wire",
        "g1",
        date(2025, 1, 7),
    )
    assert "bold" in item.summary and "<b>" not in item.summary
    assert ":2:" in str(result.problems[0])


def test_atom_feed(tmp_path: Path) -> None:
    pytest.importorskip("feedparser")
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Syn</title>
    <entry><title>Atom item</title><link href="https://e.org/a"/><id>a1</id><updated>2025-02-03T00:00:00Z</updated>
    <summary>s</summary></entry></feed>"""
    path = tmp_path / "f.atom"
    path.write_text(atom, encoding="utf-8")
    item = read_items(path).items[0]
    assert (item.title, item.url, item.published) == ("Atom item", "https://e.org/a", date(2025, 2, 3))


def test_stdin_and_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"title": "from stdin"}\n'))
    assert read_items("-").items[0].title == "from stdin"
    assert read_items(io.StringIO("title\nfrom csv\n"), fmt="csv").items[0].title == "from csv"


def test_sniffing_and_records() -> None:
    assert sniff_format("x.rss", "") == "rss"
    assert sniff_format("feed", "<?xml") == "rss"
    assert sniff_format("feed", '{"title"') == "jsonl"
    assert sniff_format("feed", "title,url") == "csv"
    result = items_from_records([{"title": "a"}, {"nope": 1}])
    assert len(result.items) == 1 and result.skipped == 1
