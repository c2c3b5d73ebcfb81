"""TLS towards PostgreSQL with libpq's meanings of sslmode (docs/OPERATIONS.md §9), against a
cluster the test makes with a certificate from its own CA (openssl) that accepts only TLS
connections (hostssl; hostnossl rejected), so every connection that works was encrypted. The
certificate names `localhost`, not 127.0.0.1: verify-full must tell them apart, verify-ca not."""
import os
import pwd
import subprocess

import pytest

from clusters import Cluster, owned_folder
from conftest import ROOT


def openssl(*args, cwd):
    p = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


@pytest.fixture(scope="module")
def tls_cluster():
    folder = owned_folder("conoceles-tls-")
    for name in ("ca", "otra-ca"):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
                "-subj", f"/CN=Conoceles {name} de prueba", cwd=folder)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost",
            cwd=folder)
    with open(os.path.join(folder, "san.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
            "-days", "2", "-extfile", "san.ext", cwd=folder)
    os.chmod(os.path.join(folder, "server.key"), 0o600)
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for f in os.listdir(folder):
            os.chown(os.path.join(folder, f), user.pw_uid, user.pw_gid)
    for f in ("ca.pem", "otra-ca.pem"):
        os.chmod(os.path.join(folder, f), 0o644)
    os.chmod(folder, 0o755)  # the CA files are read by the test's own user too
    cluster = Cluster.create(
        {"ssl": "on", "ssl_cert_file": os.path.join(folder, "server.crt"), "ssl_key_file": os.path.join(folder, "server.key")},
        hba=["hostssl all all 127.0.0.1/32 trust", "hostssl all all ::1/128 trust",
             "hostnossl all all 127.0.0.1/32 reject", "hostnossl all all ::1/128 reject"])
    try:
        # Admin work over TLS too (psql's default sslmode is prefer).
        subprocess.run(["psql", cluster.url(), "-qc", "CREATE ROLE conoceles LOGIN CREATEDB"], check=True)
        subprocess.run(["psql", cluster.url(), "-qc", "CREATE DATABASE conoceles OWNER conoceles"], check=True)
        yield cluster, folder
    finally:
        cluster.remove()
        subprocess.run(["rm", "-rf", folder])


def migrate(binary, env, url, **extra):
    e = dict(env, CONOCELES_DATABASE_URL=url, **extra)
    return subprocess.run([binary, "migrate"], cwd=ROOT, env=e, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("host,query,extra,works", [
    # The server refuses plain connections: disable cannot connect.
    ("127.0.0.1", "?sslmode=disable", {}, False),
    # require encrypts without verifying (libpq); it used to verify fully against the system CAs.
    ("127.0.0.1", "?sslmode=require", {}, True),
    # prefer encrypts when offered (it used to mean no TLS at all).
    ("127.0.0.1", "?sslmode=prefer", {}, True),
    ("127.0.0.1", "?sslmode=allow", {}, True),
    # verify-ca: the chain against the CA file; the name does not matter.
    ("127.0.0.1", "?sslmode=verify-ca&sslrootcert={ca}", {}, True),
    ("127.0.0.1", "?sslmode=verify-ca&sslrootcert={otra}", {}, False),
    ("127.0.0.1", "?sslmode=verify-ca", {}, False),  # the system's CAs do not know this one
    # require with a CA file verifies the chain, as libpq does with root.crt.
    ("127.0.0.1", "?sslmode=require&sslrootcert={otra}", {}, False),
    # verify-full: the chain and the host name.
    ("127.0.0.1", "?sslmode=verify-full&sslrootcert={ca}", {}, False),
    ("localhost", "?sslmode=verify-full&sslrootcert={ca}", {}, True),
    ("localhost", "?sslmode=verify-full&sslrootcert={otra}", {}, False),
    # database.ca_file for every URL that names no CA of its own.
    ("localhost", "?sslmode=verify-full", {"CONOCELES_DATABASE_CA_FILE": "{ca}"}, True),
    ("localhost", "?sslmode=verify-full&sslrootcert={otra}", {"CONOCELES_DATABASE_CA_FILE": "{ca}"}, False),
])
def test_each_sslmode_connects_only_when_libpq_would(binary, env, tls_cluster, host, query, extra, works):
    cluster, folder = tls_cluster
    files = {"ca": os.path.join(folder, "ca.pem"), "otra": os.path.join(folder, "otra-ca.pem")}
    url = f"postgres://conoceles@{host}:{cluster.port}/conoceles" + query.format(**files)
    p = migrate(binary, env, url, **{k: v.format(**files) for k, v in extra.items()})
    if works:
        assert p.returncode == 0, p.stdout + p.stderr
    else:
        assert p.returncode != 0 and "No se pudo conectar a PostgreSQL" in p.stderr, p.stdout + p.stderr


def test_prefer_falls_back_to_a_plain_connection_and_require_does_not(binary, env):
    """The test cluster of scripts/db has no TLS: prefer connects without it, require refuses."""
    url = env["CONOCELES_DATABASE_URL"]
    assert migrate(binary, env, url + "?sslmode=prefer").returncode == 0
    p = migrate(binary, env, url + "?sslmode=require")
    assert p.returncode != 0 and "No se pudo conectar a PostgreSQL" in p.stderr, p.stderr
