"""The rule-kind reference in docs/chains.md, generated from the registered chain kinds (a test keeps it current).

Regenerate with ``python -m corevar.chains.docs`` (``--check`` exits 1 when the file is out of date).
"""

from __future__ import annotations

import sys
from pathlib import Path

BEGIN = "<!-- BEGIN GENERATED: chain kinds (python -m corevar.chains.docs) -->"
END = "<!-- END GENERATED -->"
NAMES = ("chain_return", "chain_event", "chain_attribution")
DOC = Path(__file__).resolve().parents[3] / "docs" / "chains.md"


def block() -> str:
    import corevar.chains.kinds  # noqa: F401 (registers the kinds)
    from corevar.theses.docs import kind_markdown
    from corevar.theses.plugins import kinds

    found = kinds()
    return BEGIN + "\n\n" + "\n".join(kind_markdown(found[n]) for n in NAMES) + END


def render_into(text: str) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + block() + text[end:]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args and not args[0].startswith("--") else DOC
    text = path.read_text(encoding="utf-8")
    new = render_into(text)
    if "--check" in args:
        return 0 if new == text else 1
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
