"""Backups an operator can trust: SQLite through its online backup API, PostgreSQL through pg_dump's
custom format; each checked after it is written and before it is restored."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

from models import db


class BackupError(Exception):
    pass


def _libpq_url() -> str:
    # pg_dump speaks libpq, which does not know SQLAlchemy's "+psycopg" driver suffix.
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path() -> str:
    return db.engine.url.database


def table_counts() -> dict[str, int]:
    """Rows per table of the live database: what a round trip must give back."""
    with db.engine.connect() as connection:
        return {table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def _check_sqlite(path: str) -> None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}") from None
    finally:
        connection.close()
    if result != "ok":
        raise BackupError(f"integrity check of {path} failed: {result}")
    if version is None:
        raise BackupError(f"{path} holds no schema version")


def _run(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")
    return result.stdout


def backup(path: str) -> dict:
    """Write a consistent copy of the live database to ``path`` (while it keeps serving)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    counts = table_counts()
    if db.engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path())
        temporary = tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".partial")
        temporary.close()
        destination = sqlite3.connect(temporary.name)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
        _check_sqlite(temporary.name)
        os.replace(temporary.name, target)  # a half-written backup never carries the final name
    else:
        if shutil.which("pg_dump") is None:
            raise BackupError("pg_dump is not installed (Debian: postgresql-client)")
        partial = str(target) + ".partial"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", _libpq_url()])
        listing = _run(["pg_restore", "--list", partial])
        if "TABLE DATA public alembic_version" not in listing:
            raise BackupError("the dump holds no schema version table")
        os.replace(partial, target)
    return {"path": str(target), "bytes": target.stat().st_size, "tables": counts}


def restore(path: str) -> dict:
    """Replace the live database's contents with the backup at ``path``, after checking it."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"{path} does not exist")
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the tables being replaced
    if db.engine.dialect.name == "sqlite":
        _check_sqlite(str(source))
        backup_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(_sqlite_path())
        try:
            with live:
                backup_connection.backup(live)
        finally:
            live.close()
            backup_connection.close()
    else:
        _run(["pg_restore", "--list", str(source)])
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url()}", str(source)])
    db.engine.dispose()
    return {"path": str(source), "tables": table_counts()}
