"""Outside text is escaped everywhere the report shows it (SYNTHETIC payload rows)."""

from __future__ import annotations

import json

import pytest

from corevar.report.charts import hover_escape, script_json

from .conftest import PAYLOAD_IMG, PAYLOAD_SCRIPT, figures


def test_report_payload_is_shown_as_text_not_markup(hostile):
    _, html, _ = hostile
    assert PAYLOAD_SCRIPT not in html
    assert PAYLOAD_IMG not in html
    assert "&lt;img src=x onerror=window.__pwned=2&gt;" in html  # the publisher, shown escaped


def test_report_payload_in_chart_hover_is_escaped(hostile):
    _, html, _ = hostile
    raw = html[html.index('id="corevar-figures">') + len('id="corevar-figures">') :]
    raw = raw[: raw.index("</script>")]
    assert "<" not in raw and ">" not in raw  # nothing in the JSON can close the script element
    figs = figures(html)
    texts = json.dumps(figs)
    assert "SYNTHETIC &lt;img src=x onerror=window.__pwned=2&gt;" in texts  # in the WAU hover text
    for fig in figs.values():
        for trace in fig["data"]:
            hover = trace.get("hovertext", [])
            for text in [hover] if isinstance(hover, str) else hover:
                assert "<img" not in text and "<script" not in text


def test_report_links_only_http(hostile):
    _, html, _ = hostile
    assert 'href="javascript:' not in html.lower()
    assert 'href="https://example.org/synthetic?a=1&amp;b=2"' in html  # attribute escaped


@pytest.mark.parametrize("value", ["</script><script>x()</script>", "<!--", "a\u2028b", "&amp;"])
def test_report_script_json_cannot_break_out(value):
    text = script_json({"k": value})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"k": value}


def test_report_hover_escape():
    assert hover_escape("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
