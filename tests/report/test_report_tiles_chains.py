"""The report's KPI tiles and stock-chain section in HTML and Markdown: without prices (the bundled data: the
reported moves and how to add prices) and with a SYNTHETIC price file ingested (the basket comparison)."""

from __future__ import annotations

import re

from corevar.report import render


def test_tiles_sit_on_the_first_screen_between_the_counts_and_the_verdicts(rendered):
    _, html, view = rendered
    assert 4 <= len(view.tiles) <= 6
    counts, tiles, verdicts = html.index('class="counts"'), html.index('id="tiles"'), html.index('class="verdicts"')
    assert counts < tiles < verdicts
    block = html[tiles:verdicts]
    for t in view.tiles:
        assert f'data-entity="{t.entity}"' in block and t.value.replace("&", "&amp;") in block
        assert t.month in block and t.kind.capitalize() in block
    assert block.count('class="tile"') == len(view.tiles)


def test_chains_without_prices_show_reported_moves_and_how_to_add_prices(rendered):
    _, html, view = rendered
    c = view.chains
    assert c is not None and c.mode == "reported"
    section = html[html.index('<section id="chains"') : html.index('<section id="theses"')]
    assert 'id="chains-howto"' in section and "corevar prices ingest" in section and "corevar prices fetch" in section
    assert 'id="chain-moves"' in section and 'id="chain-returns"' not in section
    assert "Google chain (Alphabet-linked stocks)" in section and "+146%" in section
    assert 'href="#chains"' in html  # in the nav
    for b in ("openai-chain", "google-chain", "anthropic-chain", "sp500", "nasdaq-100"):
        assert f'data-basket="{b}"' in section
    md = render(view, "md")
    assert "## Stock chains" in md and "corevar prices ingest" in md and "+146%" in md


def test_chains_with_prices_compare_the_baskets_in_html_and_markdown(priced):
    _, html, view = priced
    c = view.chains
    assert c is not None and c.mode == "prices", c
    section = html[html.index('<section id="chains"') : html.index('<section id="theses"')]
    assert 'id="chain-returns"' in section and 'id="chains-howto"' not in section
    rows = {r.basket: r for r in c.rows}
    assert {"openai-chain", "google-chain", "sp500", "nasdaq-100"} <= set(rows)
    assert rows["google-chain"].total_return.value > rows["openai-chain"].total_return.value
    for r in c.rows:
        assert f'data-ref="{r.total_return.ref}">{r.total_return.text}<' in section
        assert r.volatility.text in section and r.max_drawdown.text in section
        assert re.fullmatch(r"[+−]\d[\d.]*%", r.total_return.text), r.total_return.text
    md = render(view, "md")
    assert "| basket | kind | total return | volatility (ann.) | max drawdown |" in md
    # the chain verdicts were judged from the same prices
    b7 = next(v for v in view.verdicts if v.id == "B7")
    assert not b7.explanation.startswith("reported:")
