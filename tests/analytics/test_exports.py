"""The public surface of corevar.analytics is exactly what is documented, sorted, and cheap to import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import corevar.analytics as analytics

MODULES = ("growth", "market", "prices", "saturation", "targets", "timeline", "unit_economics")
FORMULAS = Path(__file__).resolve().parents[2] / "docs" / "formulas.md"


def ruff_order(names: list[str]) -> list[str]:
    """isort-style order, as ruff's RUF022 keeps ``__all__``: CONSTANTS, then Classes, then functions."""
    return sorted(names, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))


def test_all_is_sorted_and_exact():
    assert analytics.__all__ == ruff_order(analytics.__all__)
    public = {name for name in vars(analytics) if not name.startswith("_")} - {"annotations"}
    assert set(analytics.__all__) == public


def test_every_module_export_is_reexported_except_the_frame_helpers():
    for name in MODULES:
        module = getattr(analytics, name)
        assert module.__all__ == ruff_order(module.__all__)
        for export in module.__all__:
            assert hasattr(module, export)
            if export != "summary":
                assert getattr(analytics, export) is getattr(module, export)


def test_every_function_is_documented_in_formulas_md():
    text = FORMULAS.read_text(encoding="utf-8")
    missing = [name for name in analytics.__all__ if callable(getattr(analytics, name)) and f"`{name}" not in text]
    assert missing == []


def test_importing_analytics_does_not_import_pandas_or_scipy():
    code = "import sys, corevar.analytics; print('pandas' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
