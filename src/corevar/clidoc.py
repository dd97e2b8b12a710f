"""The CLI reference (docs/cli-reference.md) rendered from the commands' own --help, so it cannot drift.

Regenerate with ``python -m corevar.clidoc > docs/cli-reference.md``; a test fails when the file is stale.
"""

from __future__ import annotations

import os


def render() -> str:
    """Markdown with the --help text of corevar and of every command, in registration order."""
    from typer.main import get_command
    from typer.testing import CliRunner

    from .cli import app

    root = get_command(app)
    runner = CliRunner()
    env = {"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    parts = ["# CLI reference", "", "Generated from `--help` by `python -m corevar.clidoc`; do not edit by hand.", ""]
    paths: list[list[str]] = [[]]
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        for sub in getattr(command, "commands", {}):
            paths.append([name, sub])
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], env=env, prog_name="corevar")
        title = " ".join(["corevar", *path])
        text = "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())
        parts += [f"## `{title}`", "", "```", text, "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    os.environ.setdefault("COLUMNS", "100")
    print(render())
