"""`finchat audit …` and `finchat staff …`: commands for whoever runs the staff console."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer

from finchat.settings import load_settings

audit_app = typer.Typer(help="Check the staff audit log.", no_args_is_help=True)
staff_app = typer.Typer(help="Staff console accounts.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(
    path: Annotated[Path | None, typer.Option("--path", help="Audit log; default: <data_dir>/audit.jsonl.")] = None,
) -> None:
    """Check the audit log's hash chain: exit 0 when intact, 1 naming the first broken line."""
    from finchat.audit import check

    path = path or load_settings().audit_log
    report = check(path)
    if report.problems:
        for problem in report.problems:
            typer.echo(f"audit log damaged: {problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {report.entries} entries")
    typer.echo(f"last hash: {report.last_hash} (keep a copy elsewhere to detect a rewritten log)")


@staff_app.command("hash-password")
def staff_hash_password(
    user: Annotated[str, typer.Option("--user", help="Staff username for the printed line.")] = "staff",
) -> None:
    """Ask for a password twice (not echoed) and print the users-file line holding its salted scrypt hash.

    Example: finchat staff hash-password --user alice >> staff_users.toml  (under a [users] line)
    """
    from finchat.staff import MIN_PASSWORD_CHARS, hash_password

    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    if len(password) < MIN_PASSWORD_CHARS:
        typer.echo(f"Refused: use at least {MIN_PASSWORD_CHARS} characters.", err=True)
        raise typer.Exit(1)
    key = user if re.fullmatch(r"[A-Za-z0-9_-]+", user) else json.dumps(user)  # a TOML bare or quoted key
    typer.echo(f'{key} = "{hash_password(password)}"')
