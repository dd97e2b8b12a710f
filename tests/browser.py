"""The one headless Chromium the browser tests drive: Debian's package, started offline (no background networking,
no component updates, no sync), as the machine's notes require."""

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
