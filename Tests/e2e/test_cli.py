"""The `conoceles` binary as an operator meets it: help, fail-fast start-up, up and shutdown."""
import re
import signal
import subprocess
import time
import urllib.request

from conftest import ROOT, start, wait_http


def run(binary, args, env, timeout=20):
    t0 = time.monotonic()
    p = subprocess.run([binary, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    return p, time.monotonic() - t0


def test_help_lists_the_commands(binary, env):
    p, _ = run(binary, ["--help"], env)
    assert p.returncode == 0
    for command in ("up", "serve", "work", "migrate"):
        assert f"  {command}" in p.stdout


def test_connection_refused_fails_fast_with_the_real_reason(binary, env):
    env["CONOCELES_DATABASE_URL"] = "postgres://conoceles@127.0.0.1:9/conoceles"
    p, seconds = run(binary, ["up"], env)
    assert p.returncode != 0
    assert seconds < 5, f"took {seconds:.1f}s"
    assert "No se pudo conectar a PostgreSQL" in p.stderr
    assert "refused" in p.stderr.lower()


def test_unknown_role_fails_fast_with_postgres_message(binary, env):
    url = env["CONOCELES_DATABASE_URL"].replace("://conoceles@", "://intruso@")
    env["CONOCELES_DATABASE_URL"] = url
    p, seconds = run(binary, ["up"], env)
    assert p.returncode != 0
    assert seconds < 5
    assert 'role "intruso" does not exist' in p.stderr


def test_a_wrong_value_names_the_key(binary, env):
    env["CONOCELES_HTTP_PORT"] = "puerto"
    p, seconds = run(binary, ["up"], env)
    assert p.returncode != 0
    assert seconds < 5
    assert "http.port" in p.stderr and "CONOCELES_HTTP_PORT" in p.stderr and "no es un número" in p.stderr


def test_up_serves_health_and_home_then_stops_on_sigterm(binary, env):
    proc = start(binary, ["up"], env)
    try:
        base = f"http://127.0.0.1:{env['CONOCELES_HTTP_PORT']}"
        status, _ = wait_http(base + "/health", proc)
        assert status == 200
        with urllib.request.urlopen(base + "/", timeout=5) as r:
            page = r.read().decode()
            assert r.status == 200
            assert "Conóceles" in page and 'lang="es-MX"' in page
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    assert proc.returncode == 0, proc.log()
    assert env["CONOCELES_SECURITY_ENCRYPTION_KEY"] not in proc.log()


def test_migrate_is_idempotent(binary, env):
    p1, _ = run(binary, ["migrate"], env)
    assert p1.returncode == 0, p1.stderr
    p2, _ = run(binary, ["migrate"], env)
    assert p2.returncode == 0, p2.stderr
    assert "ya está al día" in p2.stdout


def test_export_without_a_public_version_stops_with_a_spanish_message(binary, env, tmp_path):
    out = tmp_path / "sitio"
    p, _ = run(binary, ["export", "--out", str(out)], env, timeout=60)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "Aún no hay una versión pública que exportar" in p.stderr
    assert "Versión pública 0" not in p.stdout
    assert not out.exists()


def test_publication_rebuild_waits_for_the_worker_and_prints_the_new_version(binary, env, tmp_path):
    # No worker: the command says so after its timeout, non-zero.
    p, _ = run(binary, ["publication", "rebuild", "--timeout", "2"], env, timeout=60)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "no terminó en 2 s" in p.stderr and "conoceles work" in p.stderr
    worker = start(binary, ["work"], env)
    try:
        p, _ = run(binary, ["publication", "rebuild", "--timeout", "120"], env, timeout=180)
        assert p.returncode == 0, (p.stdout, p.stderr, worker.log())
        assert "versión pública actual:" in p.stdout
        # The worker may build more than one version meanwhile (the statistics release, the
        # scheduled listing): the command prints the one that became current.
        built = re.search(r"Versión pública (\d+), construida el", p.stdout)
        assert built and int(built.group(1)) >= 1, p.stdout
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    # Now there is a version to export.
    p, _ = run(binary, ["export", "--out", str(tmp_path / "sitio")], env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert re.search(r"Versión pública \d+:", p.stdout), p.stdout
    crawl_export_from_a_sub_path(tmp_path, "sitio")


def crawl_export_from_a_sub_path(root, folder):
    """Serves `root` with a plain static server and follows every link of the export under
    /`folder`/ from its home page: each local link answers 200 and none leaves the sub-path."""
    import functools
    import http.server
    import threading
    import urllib.parse

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/{folder}/"
    try:
        seen, queue, broken = set(), [base + "index.html"], []
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    body = response.read()
                    kind = response.headers.get("Content-Type", "")
            except Exception as error:  # noqa: BLE001 - every failure is a broken link
                broken.append(f"{url}: {error}")
                continue
            if "html" not in kind:
                continue
            for link in re.findall(r'(?:href|src)="([^"]*)"', body.decode("utf-8", "replace")):
                link = link.replace("&amp;", "&")
                target = urllib.parse.urljoin(url, link).split("#")[0]
                if not target.startswith(f"http://127.0.0.1:{server.server_address[1]}/"):
                    continue  # the live site (sign-in, forms)
                if not target.startswith(base):
                    broken.append(f"{url}: {link} leaves /{folder}/")
                    continue
                queue.append(target)
        assert not broken, broken[:10]
        assert base + "ayuda/index.html" in seen
    finally:
        server.shutdown()


def padded_jpeg(jpeg, size):
    """`jpeg` grown to exactly `size` bytes with comment (COM) segments after its SOI marker."""
    padding, remaining = b"", size - len(jpeg)
    assert remaining >= 4
    while remaining > 0:
        segment = min(remaining, 65537)
        if 1 <= remaining - segment <= 3:
            segment -= 4
        length = segment - 2
        padding += bytes([0xFF, 0xFE, length >> 8, length & 0xFF]) + b" " * (length - 2)
        remaining -= segment
    return jpeg[:2] + padding + jpeg[2:]


def test_photo_check_accepts_the_limit_and_refuses_one_byte_more(binary, env, tmp_path):
    sample = tmp_path / "muestra.jpg"
    p, _ = run(binary, ["photo", "sample", str(sample)], env)
    assert p.returncode == 0, p.stderr
    limit = 716800  # photo.max_bytes of config/conoceles.yaml
    for size, accepted in [(limit - 1, True), (limit, True), (limit + 1, False)]:
        photo = tmp_path / f"foto-{size}.jpg"
        photo.write_bytes(padded_jpeg(sample.read_bytes(), size))
        assert photo.stat().st_size == size
        p, _ = run(binary, ["photo", "check", "--publication-date", "2024-04-01", str(photo)], env)
        too_large = "El archivo pesa 701 KB y el máximo permitido es 700 KB. Reduzca la resolución o la calidad de la foto."
        if accepted:
            assert "máximo permitido" not in p.stdout, (size, p.stdout)
        else:
            assert p.returncode == 1 and too_large in p.stdout, (size, p.stdout)
