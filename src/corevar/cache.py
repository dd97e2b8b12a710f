"""Finished outputs kept for the next identical run: the text ``corevar check`` prints, the report it writes.

Why: judging the theses and building the report cost about a second of CPU on the bundled data, and more as the
store grows, while a second run on an unchanged store with the same theses and options prints the same bytes. So
the faces keep what they printed or wrote under a key that hashes *everything* the output depends on:

* the store's content (:meth:`corevar.store.Store.fingerprint`: live observation ids, registry, prices, rates);
* the theses files' bytes and the command's options (format, as-of, since, the terminal's width and colours);
* the code and shipped data (:func:`code_fingerprint`: every file of the installed package, by size and mtime).

Any change to any of them is a miss, and a miss computes as if there were no cache. An entry carries its own
SHA-256 and is re-checked when read. The cache is an optimisation only: a missing, corrupt, unreadable or
unwritable cache is a miss and never an error, and it is never the only copy of anything.

``COREVAR_CACHE=off`` (or ``0``, ``no``, ``false``) turns it off; ``COREVAR_CACHE_DIR`` moves it (default: the
user's cache directory, e.g. ``~/.cache/corevar``). At most :data:`MAX_ENTRIES` entries are kept; the oldest go
first. Entries are JSON text, read as data and never run.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["ENV_CACHE", "ENV_CACHE_DIR", "MAX_ENTRIES", "cache_dir", "code_fingerprint", "enabled", "get", "key", "put"]

ENV_CACHE = "COREVAR_CACHE"
ENV_CACHE_DIR = "COREVAR_CACHE_DIR"
MAX_ENTRIES = 32
_FORMAT = 1
_OFF = {"0", "off", "no", "false"}
_PACKAGE = Path(__file__).resolve().parent


def enabled() -> bool:
    """False when ``$COREVAR_CACHE`` says off."""
    return os.environ.get(ENV_CACHE, "").strip().lower() not in _OFF


def cache_dir() -> Path:
    """``$COREVAR_CACHE_DIR``, else ``corevar`` in the user's cache directory."""
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("corevar", appauthor=False)


# Libraries whose upgrade could change an output's bytes (number formatting, templates, tables); their entry file
# is rewritten by an install, so its size and mtime stand for the version without importing anything.
DEPENDENCIES = ("duckdb", "numpy", "pandas", "scipy", "pydantic", "yaml", "jinja2", "rich", "plotly")


def code_fingerprint(root: Path = _PACKAGE) -> str:
    """A hash of every file of the package (path, size, modification time): code, templates and shipped data; and
    of the Python version and the entry file of each of :data:`DEPENDENCIES`.

    An upgrade or an edit to any of them changes it, so an output made by other code is never reused. Stat calls
    only (a few hundred files, about a millisecond or two); compiled bytecode is left out.
    """
    import importlib.util
    import sys

    digest = hashlib.sha256(sys.version.encode())
    for name in DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        st = os.stat(origin) if origin and os.path.exists(origin) else None
        digest.update(f"{name}\0{origin}\0{st.st_size if st else ''}\0{st.st_mtime_ns if st else ''}\n".encode())
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            st = os.stat(path)
            digest.update(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def key(*parts: str | bytes | None) -> str:
    """One SHA-256 of the parts, in order (``None`` and ``""`` differ)."""
    digest = hashlib.sha256()
    for part in parts:
        raw = b"\x01" if part is None else part if isinstance(part, bytes) else part.encode()
        digest.update(len(raw).to_bytes(8, "big") + raw)
    return digest.hexdigest()


def _checksum(parts: dict[str, str]) -> str:
    return key(*(x for name in sorted(parts) for x in (name, parts[name])))


def get(entry: str, folder: Path | None = None) -> dict[str, str] | None:
    """The parts stored under ``entry``, or None (off, absent, unreadable, or failing its checksum)."""
    if not enabled():
        return None
    try:
        data = json.loads(((folder or cache_dir()) / f"{entry}.json").read_text(encoding="utf-8"))
        parts = data["parts"]
        if data.get("format") != _FORMAT or not isinstance(parts, dict) or data.get("sha256") != _checksum(parts):
            return None
        if not all(isinstance(v, str) for v in parts.values()):
            return None
        return parts
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def put(entry: str, parts: dict[str, str], folder: Path | None = None) -> bool:
    """Store ``parts`` under ``entry`` atomically (a reader sees the old entry or the new one); False if not kept."""
    if not enabled():
        return False
    folder = folder or cache_dir()
    text = json.dumps({"format": _FORMAT, "sha256": _checksum(parts), "parts": parts}, ensure_ascii=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, folder / f"{entry}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(folder.glob("*.json"))
        return True
    except OSError:
        return False


def _prune(entries: Iterable[Path]) -> None:
    """Keep the :data:`MAX_ENTRIES` newest entries."""
    dated = []
    for path in entries:
        try:
            dated.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    dated.sort(reverse=True)
    for _, path in dated[MAX_ENTRIES:]:
        path.unlink(missing_ok=True)
