"""``python -m corevar.cli``: the same command line as the ``corevar`` script (for environments without it)."""

from . import app

app(prog_name="corevar")
