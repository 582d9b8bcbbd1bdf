"""Creates the PostgreSQL database named in a URL if it does not exist yet (`make serve`).

Usage: python deploy/ensure_database.py postgres://user@host:5432/name
Connects to the server's `postgres` database with the same credentials.
"""

import sys
from urllib.parse import urlsplit

import psycopg
from psycopg import sql


def ensure(url: str) -> str:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"no database name in {url!r}")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


if __name__ == "__main__":
    sys.stdout.write(f"database {ensure(sys.argv[1])} ready\n")
