"""The README's backup and restore, run as written (without docker: each command that
runs in the postgres container runs here against a scratch database)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import psycopg
import pytest
from django.db import connection

from tests.integration.conftest import ROOT

CONTAINER = "docker compose --env-file .env exec -T postgres "


def readme_block(heading: str) -> list[str]:
    """The shell lines of the README's code blocks under `heading`, up to the next one."""
    text = (ROOT / "README.md").read_text()
    section = text.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]
    return [
        line
        for block in re.findall(r"```sh\n(.*?)```", section, re.S)
        for line in block.splitlines()
        if line.strip()
    ]


def run_in_container(line: str, *, db: dict, name: str, dump) -> None:
    """Run a container's command here: its login and database are the scratch ones, its
    dump file is `dump`."""
    command = re.split(r" [<>] ", line.removeprefix(CONTAINER), maxsplit=1)[0]
    args = shlex.split(command)
    login = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    out = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "-U":
            out += login
            skip = True
        else:
            out.append(name if arg == "factcheck" else arg)
    stdin = stdout = None
    if "<" in line:
        stdin = open(dump, "rb")  # noqa: SIM115
    elif ">" in line:
        stdout = open(dump, "wb")  # noqa: SIM115
    try:
        subprocess.run(out, stdin=stdin, stdout=stdout, check=True, timeout=120)
    finally:
        for f in (stdin, stdout):
            if f:
                f.close()


def manage(name: str, db: dict, *args: str) -> None:
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=300)


@pytest.fixture
def scratch():
    db = connection.settings_dict
    name = f"{db['NAME']}_backup"
    admin = dict(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"])
    with psycopg.connect(**admin, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name, db, admin
    with psycopg.connect(**admin, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_from_before_an_upgrade_is_restored_and_upgraded_again(scratch, tmp_path):
    name, db, admin = scratch
    dump = tmp_path / "factcheck.dump"
    manage(name, db, "migrate", "-v0", "claims", "0025_verdict_created_index")
    with psycopg.connect(**admin, dbname=name, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO claims_feed (url, title, active, poll_interval, etag, last_modified,"
            " last_error, failure_count, created_at) VALUES"
            " ('https://feeds.example.org/world.xml', 'World', true, 30, '', '', '', 0, now())"
        )
    (backup,) = readme_block("Backup and restore")[:1]
    run_in_container(backup, db=db, name=name, dump=dump)

    # The upgrade: new tables (0026's feed entries) and columns (0027's note).
    manage(name, db, "migrate", "-v0")
    for line in readme_block("Backup and restore")[1:]:
        if line.startswith(CONTAINER):
            run_in_container(line, db=db, name=name, dump=dump)

    with psycopg.connect(**admin, dbname=name) as conn:
        assert conn.execute("SELECT title FROM claims_feed").fetchall() == [("World",)]
        latest = conn.execute(
            "SELECT max(name) FROM django_migrations WHERE app = 'claims'"
        ).fetchone()
        assert latest == ("0025_verdict_created_index",)
    manage(name, db, "migrate", "-v0")  # and the upgrade runs again
