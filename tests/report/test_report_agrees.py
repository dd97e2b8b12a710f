"""What a reader sees must be one number per statistic: verdict cards, charts, tables and `corevar check` agree."""

from __future__ import annotations

import re

from corevar import api


def _check(report_db):
    """The verdicts exactly as `corevar check` computes them (the same facade call)."""
    with api.open(report_db) as cv:
        return cv.check()


def test_verdict_cards_match_the_engine(rendered, report_db):
    _, html, view = rendered
    check = _check(report_db)
    assert [t.id for t in check.theses] == [v.id for v in view.verdicts]
    for thesis in check.theses:
        card = re.search(rf'id="claim-{re.escape(thesis.id)}" data-thesis="[^"]+" data-verdict="([a-z_]+)"', html)
        assert card and card.group(1) == thesis.verdict.value, thesis.id


def test_every_number_in_a_verdict_card_is_the_same_wherever_the_page_shows_it(rendered):
    """The key number of a card (a ceiling, an HHI, a target gap) is one object: every other place on the page that
    shows that statistic (a chart note, the market table, the scorecard) prints the very same text."""
    _, html, view = rendered
    keyed = {v.key.ref: v.key for v in view.verdicts if v.key is not None and v.key.ref}
    assert keyed, "no card carries a shared statistic"
    elsewhere = 0
    for chart in view.charts():
        for fit in chart.fits:
            if fit.ref in keyed:
                assert keyed[fit.ref].text in fit.note
                elsewhere += 1
        for target in chart.targets:
            ref = f"target:{target.entity}/{target.product}/{target.metric}/{target.due.isoformat()}"
            if ref in keyed:
                assert target.status_text == keyed[ref].text
                elsewhere += 1
    for market in view.markets:
        if market.hhi.ref in keyed:
            assert market.hhi is keyed[market.hhi.ref] or market.hhi.text == keyed[market.hhi.ref].text
            elsewhere += 1
    assert elsewhere >= 2  # the WAU ceiling, the WAU target and the enterprise-spend HHI are each shown twice
    for ref, num in keyed.items():  # and in the page itself, every occurrence of a ref carries the same text
        shown = re.findall(rf'data-ref="{re.escape(ref)}"[^>]*>([^<]*)<', html)
        assert all(num.text in s for s in shown), (ref, shown)


def test_one_as_of_everywhere(rendered):
    _, html, view = rendered
    cut = view.as_of.isoformat()
    assert f'data-as-of="{cut}"' in html
    assert view.freshness.as_of == view.as_of
    assert f"Data as of {cut}." in html  # every chart's source line states the same cut
    assert all(f"Data as of {cut}." in c.source_line for c in view.charts())


def test_a_mixed_card_names_what_holds_and_what_does_not(rendered, report_db):
    """A mixed verdict's sentence must not state a failed part as the finding (B4 once read "Mixed — cash burn
    exceeds revenue (ratio 0.687)", a part the data contradicts)."""
    _, _, view = rendered
    by_id = {t.id: t for t in _check(report_db).theses}
    checked = 0
    for card in view.verdicts:
        thesis = by_id[card.id]
        if card.verdict != "mixed":
            continue
        leaves = [n for r in thesis.rules for n in r.walk() if n.figures or not n.children]
        verdicts = {str(getattr(n.verdict, "value", n.verdict)) for n in leaves}
        if {"supported", "contradicted"} <= verdicts:
            assert "holds: " in card.sentence and "does not hold: " in card.sentence, card.sentence
            checked += 1
    assert checked, "the bundled data has no mixed claim with a part that holds and a part that fails"
