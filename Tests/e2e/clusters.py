"""Throwaway PostgreSQL clusters made by a test with PostgreSQL's own programs (initdb,
pg_ctl; the same binaries scripts/db uses), for what one database cannot show: WAL archiving
and point-in-time recovery, streaming replicas, TLS. Run as root, the clusters belong to
the postgres user (initdb refuses root) and live under /var/tmp (root's pytest folders are
closed to that user)."""
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time

from conftest import free_port


def pg_bin():
    """The folder of pg_ctl/initdb: next to pg_ctl on PATH, else Debian's versioned one."""
    candidates = []
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(os.path.dirname(os.path.realpath(found)))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if all(os.access(os.path.join(folder, p), os.X_OK) for p in ("pg_ctl", "initdb", "pg_basebackup")):
            return folder
    raise AssertionError("PostgreSQL's pg_ctl/initdb not found (scripts/setup installs them)")


def as_postgres(command, **kwargs):
    """Runs `command` as the user who owns the clusters (postgres when we are root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
        kwargs.setdefault("cwd", "/")
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def owned_folder(prefix):
    """A new empty folder the cluster's user can write."""
    folder = tempfile.mkdtemp(prefix=prefix, dir="/var/tmp" if os.geteuid() == 0 else None)
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    os.chmod(folder, 0o700)
    return folder


def psql(url, sql):
    p = subprocess.run(["psql", url, "-tAXc", sql], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


class Cluster:
    """One PostgreSQL server on a free port over `data`; stop() also removes what it owns."""

    def __init__(self, data, port=None, folder=None):
        self.data = data
        self.port = port or free_port()
        self.folder = folder  # removed on remove()
        self.log = os.path.join(os.path.dirname(data), f"server-{self.port}.log")
        self.bin = pg_bin()

    @classmethod
    def create(cls, settings=None, hba=None):
        """initdb (trust for local connections, replication included) and start it, with
        `settings` appended to postgresql.conf and `hba` lines before the defaults."""
        folder = owned_folder("conoceles-cluster-")
        data = os.path.join(folder, "data")
        cluster = cls(data, folder=folder)
        p = as_postgres([os.path.join(cluster.bin, "initdb"), "-D", data, "-U", "postgres", "--auth-local=trust",
                         "--auth-host=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        assert p.returncode == 0, p.stdout + p.stderr
        if settings:
            cluster.append_settings(settings)
        if hba:
            path = os.path.join(data, "pg_hba.conf")
            text = open(path).read()
            with open(path, "w") as f:
                f.write("\n".join(hba) + "\n" + text)
        cluster.start()
        return cluster

    def append_settings(self, settings):
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            for key, value in settings.items():
                f.write(f"{key} = '{value}'\n")

    def start(self, wait=True):
        command = [os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l", self.log, "-t", "60",
                   "-o", f"-p {self.port} -k {os.path.dirname(self.data)} -c listen_addresses=127.0.0.1",
                   "-w" if wait else "-W", "start"]
        p = as_postgres(command, timeout=90)
        assert p.returncode == 0, p.stdout + p.stderr + self.server_log()[-3000:]

    def stop(self):
        as_postgres([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"], timeout=60)

    def remove(self):
        self.stop()
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def server_log(self):
        try:
            return open(self.log, encoding="utf-8", errors="replace").read()
        except OSError:
            return ""

    def url(self, database="postgres", user="postgres"):
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def application_database(self):
        """The role and database Conóceles uses (as scripts/db makes them); returns its URL."""
        psql(self.url(), "CREATE ROLE conoceles LOGIN CREATEDB")
        psql(self.url(), "CREATE DATABASE conoceles OWNER conoceles")
        return self.url("conoceles", "conoceles")

    def wait_until(self, sql, expected, timeout=60, database="postgres"):
        """Polls `sql` until it answers `expected` (connection errors while starting count as not yet)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            p = subprocess.run(["psql", self.url(database), "-tAXc", sql], capture_output=True, text=True)
            last = p.stdout.strip() if p.returncode == 0 else p.stderr.strip()
            if p.returncode == 0 and last == expected:
                return
            time.sleep(0.2)
        raise AssertionError(f"{sql!r} still answers {last!r} after {timeout}s\n{self.server_log()[-3000:]}")
