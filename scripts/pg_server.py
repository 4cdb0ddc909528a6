#!/usr/bin/env python3
"""A throwaway PostgreSQL cluster for the shared-library tests (issue 12).

    python3 scripts/pg_server.py start DIR   # prints shell exports; the server keeps running
    python3 scripts/pg_server.py start DIR --bare   # no roles: as a lab admin finds it
    python3 scripts/pg_server.py stop DIR

`start` makes a new cluster in DIR with Debian's server binaries (initdb, pg_ctl),
listening on 127.0.0.1 only, on a free port, and creates what a lab admin would
(README, "A shared library for your group"): a group role `readinglist_members` and
two member roles, `alice` and `bob`, with passwords. The server refuses to run as
root, so as root the cluster belongs to the `postgres` system user that Debian's
package creates. Durability is switched off (fsync, synchronous_commit): the data
is thrown away, and the tests are about behaviour, not crash safety of PostgreSQL.

The exports name an admin URL (the cluster's superuser, trusted on loopback) and the
two members' URLs; the tests make a fresh database per test from the admin URL.
Only the standard library: it runs before the project's virtual environment exists.
"""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

MEMBERS = {"alice": "alice-secret", "bob": "bob-secret"}
GROUP = "readinglist_members"


def bindir() -> Path:
    """The newest installed server's binaries (Debian keeps them off PATH)."""

    def version(initdb: str) -> int:
        name = Path(initdb).parent.parent.name
        return int(name) if name.isdigit() else 0

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    sys.exit("PostgreSQL's server is not installed (Debian: apt-get install -y postgresql)")


def owner() -> str | None:
    """The user the server runs as: None for ourselves, 'postgres' when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        sys.exit("running as root needs the 'postgres' system user (Debian's postgresql package)")
    return "postgres"


def run_as(user: str | None, args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    cmd = ["runuser", "-u", user, "--", *args] if user else args
    return subprocess.run(cmd, check=True, text=True, **kw)  # type: ignore[call-overload]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(folder: Path, *, bare: bool = False) -> None:
    user = owner()
    bins = bindir()
    folder.mkdir(parents=True, exist_ok=True)
    data, sock = folder / "data", folder / "sock"
    if data.exists():
        shutil.rmtree(data)
    sock.mkdir(exist_ok=True)
    if user:
        info = pwd.getpwnam(user)
        for p in (folder, sock):
            os.chown(p, info.pw_uid, info.pw_gid)
    superuser = user or pwd.getpwuid(os.geteuid()).pw_name
    run_as(
        user,
        [
            str(bins / "initdb"),
            "-D",
            str(data),
            "-U",
            superuser,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        stdout=subprocess.DEVNULL,
    )
    # Loopback only: the superuser is trusted (throwaway cluster), members give passwords.
    (data / "pg_hba.conf").write_text(
        f"local all all trust\n"
        f"host all {superuser} 127.0.0.1/32 trust\n"
        f"host all all 127.0.0.1/32 scram-sha-256\n",
        "utf-8",
    )
    port = free_port()
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sock} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        "-c max_connections=200"
    )
    run_as(
        user,
        [
            str(bins / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            opts,
            "start",
        ],
        stdout=subprocess.DEVNULL,
    )
    members = {} if bare else MEMBERS
    sql = [f"CREATE ROLE {GROUP} NOLOGIN"] if members else []
    for name, secret in members.items():
        sql.append(f"CREATE ROLE {name} LOGIN PASSWORD '{secret}' IN ROLE {GROUP}")
    for stmt in sql:
        run_as(
            user,
            [
                str(bins / "psql"),
                "-h",
                str(sock),
                "-p",
                str(port),
                "-U",
                superuser,
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-q",
                "-c",
                stmt,
            ],
        )
    admin = f"postgresql://{superuser}@127.0.0.1:{port}/postgres"
    exports = {
        "READINGLIST_TEST_PG": admin,
        "READINGLIST_TEST_PG_MEMBERS": ",".join(f"{n}:{s}" for n, s in members.items()),
        "READINGLIST_TEST_PG_DIR": str(folder),
    }
    for k, v in exports.items():
        print(f"export {k}={shlex.quote(v)}")


def stop(folder: Path) -> None:
    data = folder / "data"
    if (data / "postmaster.pid").exists():
        run_as(
            owner(),
            [str(bindir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL,
        )
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    args = sys.argv[1:]
    bare = "--bare" in args
    args = [a for a in args if a != "--bare"]
    if len(args) != 2 or args[0] not in ("start", "stop"):
        sys.exit(__doc__)
    folder = Path(args[1]).resolve()
    if args[0] == "start":
        start(folder, bare=bare)
    else:
        stop(folder)


if __name__ == "__main__":
    main()
