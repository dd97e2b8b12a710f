"""The layer contract of docs/architecture.md: the document, the import-linter contracts and the code agree.

`lint-imports` (run by `make test`) checks the import graph itself. These tests keep the rest honest: every layer
of the contract is documented, the core imports no optional extra at load time (so `pip install corevar` works
without them), command modules stay cheap to import, and the files a newcomer is pointed at exist.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "corevar"
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Faces behind an extra; everything else (news and connectors too: their extras are imported inside functions) is
# the core and must import at load time without any extra.
OUTSIDE_CORE = {"report", "web"}
# Distribution name -> import name where they differ.
IMPORT_NAME = {"python-multipart": "multipart", "pyyaml": "yaml", "scikit-learn": "sklearn", "empyrical-reloaded":
               "empyrical", "beautifulsoup4": "bs4"}  # fmt: skip


def _contract_layers() -> list[str]:
    contracts = PYPROJECT["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    return [m.strip(" ()") for layer in layers for m in re.split(r"[|:]", layer)]


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower()


def _extra_only_imports() -> set[str]:
    """Import names of packages that only an extra (not the core) installs, read from pyproject.toml."""
    project = PYPROJECT["project"]
    core = {_requirement_name(r) for r in project["dependencies"]}
    extra: set[str] = set()
    for name, requirements in project["optional-dependencies"].items():
        if name == "dev":
            continue
        extra |= {_requirement_name(r) for r in requirements if not r.startswith("corevar")}
    return {IMPORT_NAME.get(d, d.replace("-", "_")) for d in extra - core}


def _top_level_imports(path: Path) -> set[str]:
    """Absolute modules imported when the file is imported (module body, not functions; TYPE_CHECKING excluded)."""
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
            elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


def test_every_layer_of_the_contract_is_documented() -> None:
    layers = _contract_layers()
    assert "corevar.analytics" in layers and "corevar.cli" in layers
    missing = [m for m in layers if f"`{m}`" not in DOC]
    assert not missing, f"docs/architecture.md does not describe {missing}"


def test_the_contracts_named_in_the_document_exist() -> None:
    kinds = {c["type"] for c in PYPROJECT["tool"]["importlinter"]["contracts"]}
    assert {"layers", "forbidden", "acyclic_siblings"} <= kinds
    assert "lint-imports" in (ROOT / "Makefile").read_text(encoding="utf-8")


def _core_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] not in OUTSIDE_CORE)


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_the_core_imports_no_extra_at_load_time(path: Path) -> None:
    """A core module may use an extra inside a function (and say which extra is missing), never at import."""
    extras = _extra_only_imports()
    assert {"jinja2", "plotly"} <= extras
    used = {name.split(".")[0] for name in _top_level_imports(path)}
    assert not used & extras, f"{path.relative_to(ROOT)} imports {sorted(used & extras)} at load time"


@pytest.mark.parametrize("path", sorted((SRC / "cli").glob("*.py")), ids=lambda p: p.name)
def test_command_modules_import_only_typer_at_load_time(path: Path) -> None:
    """`corevar --help` and every command start fast: pandas, DuckDB, pydantic and the like load inside commands."""
    used = {name.split(".")[0] for name in _top_level_imports(path)}
    heavy = used - set(sys.stdlib_module_names) - {"typer", "__future__"}
    assert not heavy, f"{path.name} imports {sorted(heavy)} at load time; import them inside the command"


@pytest.mark.parametrize(
    "where",
    ["dataset/taxonomy.yaml", "dataset/entities.yaml", "theses/kinds/__init__.py", "views/sections/__init__.py",
     "cli/__init__.py", "cli/_common.py", "connectors/__init__.py"],
)  # fmt: skip
def test_the_files_a_newcomer_is_pointed_at_exist(where: str) -> None:
    assert (SRC / where).exists()
    assert f"src/corevar/{where.removesuffix('/__init__.py').removesuffix('__init__.py')}" in DOC or where in DOC


def test_make_report_installs_the_report_extra_only() -> None:
    """`make report` must not pull in the test tools (pytest, ruff, playwright): it installs `.[report]`."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp = re.search(r"^report: (\S+)", makefile, re.MULTILINE)
    assert stamp is not None
    recipe = re.search(rf"^{re.escape(stamp.group(1))}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe is not None and "'.[report]'" in recipe.group(1) and "dev" not in recipe.group(1)
    report = PYPROJECT["project"]["optional-dependencies"]["report"]
    assert not {_requirement_name(r) for r in report} & {"pytest", "ruff", "playwright", "hypothesis"}
