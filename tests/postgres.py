"""A throwaway PostgreSQL cluster for the tests: Debian's own binaries (`initdb`, `pg_ctl`), a data folder
in a temporary directory, listening on 127.0.0.1 at a free port and on a socket in that folder, stopped
and removed afterwards. Never the system's service.

`initdb` refuses to run as root (CI runs as root), so as root the cluster belongs to `nobody`: its folder
is handed over and every PostgreSQL program runs through `runuser`. The tests connect over TCP as the
cluster's superuser `idiom`, trusted on loopback, and make one database per test."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "idiom"
UNPRIVILEGED = "nobody"  # who owns the cluster when the tests run as root


def binaries() -> Path | None:
    """The folder of `initdb` and `pg_ctl`: Debian's newest /usr/lib/postgresql/N/bin, else on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


@dataclass
class Cluster:
    folder: Path
    port: int
    bindir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        _run(self.bindir / "pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def start(bindir: Path) -> Cluster:
    """initdb and start a cluster; raises with PostgreSQL's own log when it will not start."""
    folder = Path(tempfile.mkdtemp(prefix="idiom-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam(UNPRIVILEGED)
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data, log = folder / "data", folder / "postgres.log"
    _run(bindir / "initdb", "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-sync")
    port = _free_port()
    # fsync off: the cluster is thrown away, and the tests kill writers, never the server or the machine.
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c max_connections=200"
    done = _run(bindir / "pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start",
                check=False)
    if done.returncode != 0:
        text = log.read_text(errors="replace") if log.exists() else done.stderr
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed:\n{text[-2000:]}")
    return Cluster(folder, port, bindir)


def _run(program: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    as_owner = ["runuser", "-u", UNPRIVILEGED, "--"] if os.geteuid() == 0 else []
    return subprocess.run([*as_owner, str(program), *args], capture_output=True, text=True, timeout=120,
                          check=check, cwd="/")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
