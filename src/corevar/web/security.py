"""The write token, the security headers and the request-size limit of ``corevar serve``.

Reading needs nothing; writing (``POST /api/v1/observations`` and the dashboard's add form) needs the token that
the first ``corevar serve`` generates next to the database (``<db>.token``), created with mode 0600 so only the
user can read it, and compared with :func:`hmac.compare_digest` so its content cannot be guessed from timings.
"""

from __future__ import annotations

import hmac
import os
import secrets
import stat
from pathlib import Path

__all__ = ["CSP", "MAX_BODY_BYTES", "REPORT_CSP", "load_or_create_token", "token_matches", "token_path"]

MAX_BODY_BYTES = 1_000_000
# Only the app's own scripts, styles and images; nothing may frame it or post it elsewhere.
# plotly.js adds two <style> elements of its own when it loads (one empty, one with its hover and modebar rules);
# they are allowed by their hashes, so no other inline style can run. A plotly upgrade that changes them shows up
# as a CSP error in the browser test.
PLOTLY_STYLE_HASHES = (
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty string
    "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='",
)
CSP = (
    f"default-src 'none'; script-src 'self'; style-src 'self' {' '.join(PLOTLY_STYLE_HASHES)}; "
    "img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The report is one self-contained file with its plotly.js and scripts inline; served sandboxed (an opaque
# origin, no forms, no access to the app's origin) and still with no network access beyond the page itself.
REPORT_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def token_path(db: Path) -> Path:
    """Where the write token of the store at ``db`` lives: ``<db>.token`` beside it."""
    return db.with_name(db.name + ".token")


def load_or_create_token(db: Path) -> tuple[str, Path, bool]:
    """The write token of ``db`` (created on first use with mode 0600); returns (token, path, created).

    A token file that others can read is tightened to 0600 rather than trusted as it is.
    """
    path = token_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        token = secrets.token_urlsafe(32)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token + "\n")
        return token, path, True
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, 0o600)
    token = path.read_text(encoding="utf-8").strip()
    if len(token) < 32:
        raise ValueError(f"the token file {path} is empty or too short; delete it and restart corevar serve")
    return token, path, False


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented token with the stored one (None and empty never match)."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
