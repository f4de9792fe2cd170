"""veille's command line (Typer). Human output by default, ``--json`` for machines.

User mistakes (bad paths, bad options, unreadable config) print one line and
exit with status 2 — never a traceback.
"""

from __future__ import annotations

import sys

from veille.cli import commands as _commands  # noqa: F401  (registers commands)
from veille.cli import facts as _facts  # noqa: F401
from veille.cli import monitor as _monitor  # noqa: F401
from veille.cli import semantic as _semantic  # noqa: F401
from veille.cli import stories as _stories  # noqa: F401
from veille.cli import watch as _watch  # noqa: F401
from veille.cli.app import app, err_console, safe
from veille.errors import VeilleError


def main() -> None:
    try:
        app()
    except VeilleError as exc:
        err_console.print(f"[bold red]error:[/] {safe(exc)}", highlight=False, soft_wrap=True)
        sys.exit(2)


__all__ = ["app", "main"]
