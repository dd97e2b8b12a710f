"""``pending``: a claim no registered kind can judge yet — always insufficient data, saying what it waits for."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..model import RuleModel
from ..plugins import RuleKind, register
from ._common import N


class PendingRule(RuleModel):
    """A placeholder for a claim whose data or rule kind does not exist yet (news triage, chain prices)."""

    kind: Literal["pending"]
    needs: str = Field(min_length=1, description="what would judge it (data, or the kind another package adds)")


EXAMPLE = """\
kind: pending
label: the Altman-Musk feud is noise
needs: triaged news items (corevar news triage) and a news_signal kind
"""

DOC = """\
Always N (reason `not_judged`), with `needs` in the explanation: an honest "cannot tell yet" instead of a
verdict from the wrong data. Replace it with the real kind once that kind is registered."""


def judge(rule: PendingRule, ctx):
    return ctx.result(rule, N, f"not judged yet: needs {rule.needs}.", reason="not_judged")


def label(rule: PendingRule, ctx) -> str:
    return f"pending: {rule.needs}"


KIND = register(RuleKind("pending", PendingRule, judge, EXAMPLE, DOC, label, section="not judgeable yet"))
