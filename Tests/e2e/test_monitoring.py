"""Monitoring as docs/OPERATIONS.md §6 describes it, through real HTTP: the HTTP metrics of a
`serve` on /metrics (count by route pattern and status class, a latency histogram, 5xx by
route; never a raw path as a label) behind /metrics' access control, and `conoceles work`'s own
port (worker.metrics_port) with /health, /health/ready and /metrics."""
import os
import re
import subprocess
import tempfile
import urllib.error
import urllib.request

from conftest import ROOT, free_port, start, wait_http

TOKEN = "token-de-metricas-0123456789abcdef"


def get(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def sample(text, name, **labels):
    """The value of the sample `name{labels}` (labels in any order), or None."""
    for line in text.splitlines():
        m = re.match(r"^([a-z_]+)\{(.*)\} (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
        if all(found.get(k) == v for k, v in labels.items()) and len(found) == len(labels):
            return float(m.group(3))
    return None


def test_serve_counts_requests_by_route_and_status_with_a_latency_histogram_and_5xx_by_route(binary, env):
    blobs = tempfile.mkdtemp(prefix="conoceles-blobs-")
    e = dict(env, CONOCELES_PATHS_BLOBS=blobs, CONOCELES_METRICS_TOKEN=TOKEN,
             # Nobody reads without the token, not even this machine.
             CONOCELES_METRICS_ALLOWED_ADDRESSES="10.255.255.0/24")
    proc = start(binary, ["serve"], e)
    base = f"http://127.0.0.1:{e['CONOCELES_HTTP_PORT']}"
    try:
        wait_http(base + "/health", proc, timeout=60)
        for _ in range(4):
            assert get(base + "/health")[0] == 200
        assert get(base + "/perfil/NO-EXISTE-1")[0] == 404
        assert get(base + "/perfil/NO-EXISTE-2")[0] == 404
        for n in range(3):
            assert get(base + f"/no-existe-{n}-xyz")[0] == 404
        # Readiness fails while the blob folder is gone: a 503 of /health/ready.
        os.rmdir(blobs)
        assert get(base + "/health/ready")[0] == 503
        os.mkdir(blobs)
        assert get(base + "/health/ready")[0] == 200

        # /metrics keeps its access control: without the token, 404 even from loopback.
        status, body = get(base + "/metrics")
        assert status == 404 and "conoceles_" not in body
        status, text = get(base + "/metrics", {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200, text[:500]
    finally:
        proc.terminate()
        proc.wait(timeout=60)

    # wait_http's own polls of /health count too: at least the 4 made here.
    health = sample(text, "conoceles_http_requests_total", route="/health", method="GET", status="2xx")
    assert health is not None and health >= 4, text
    assert sample(text, "conoceles_http_requests_total", route="/perfil/{id}", method="GET", status="4xx") == 2, text
    # A path no route knows is counted under one label, never under its own text.
    assert sample(text, "conoceles_http_requests_total", route="unmatched", method="GET", status="4xx") == 3, text
    assert "no-existe" not in text and "NO-EXISTE" not in text
    assert sample(text, "conoceles_http_requests_total", route="/health/ready", method="GET", status="5xx") == 1
    assert sample(text, "conoceles_http_requests_total", route="/health/ready", method="GET", status="2xx") == 1
    assert sample(text, "conoceles_http_server_errors_total", route="/health/ready") == 1
    assert sample(text, "conoceles_http_server_errors_total", route="/health") is None
    # The latency histogram: cumulative buckets ending in +Inf = count, and a sum.
    assert "# TYPE conoceles_http_request_duration_seconds histogram" in text
    buckets = [(m.group(1), float(m.group(2))) for m in
               re.finditer(r'^conoceles_http_request_duration_seconds_bucket\{route="/perfil/\{id\}",le="([^"]+)"\} (\S+)$', text, re.M)]
    assert [le for le, _ in buckets][:2] == ["0.005", "0.01"] and buckets[-1][0] == "+Inf", buckets
    assert [v for _, v in buckets] == sorted(v for _, v in buckets) and buckets[-1][1] == 2
    assert sample(text, "conoceles_http_request_duration_seconds_count", route="/perfil/{id}") == 2
    assert sample(text, "conoceles_http_request_duration_seconds_sum", route="/perfil/{id}") > 0


def test_work_serves_health_readiness_and_its_job_metrics_on_its_own_port(binary, env):
    port = free_port()
    blobs = tempfile.mkdtemp(prefix="conoceles-blobs-")
    e = dict(env, CONOCELES_PATHS_BLOBS=blobs, CONOCELES_WORKER_METRICS_PORT=str(port))
    proc = start(binary, ["work"], e)
    base = f"http://127.0.0.1:{port}"
    try:
        status, body = wait_http(base + "/health", proc, timeout=60)
        assert status == 200
        status, body = get(base + "/health/ready")
        assert status == 200 and "base de datos: ok" in body and "cola: ok" in body and "archivos: ok" in body, body
        # A job run by this worker shows in its own metrics (they were not collected anywhere before).
        probe = subprocess.run([binary, "jobs", "probe", "--wait", "60"], cwd=ROOT, env=e, capture_output=True, text=True,
                               timeout=90)
        assert probe.returncode == 0, probe.stdout + probe.stderr
        status, text = get(base + "/metrics")
        assert status == 200, text[:500]
        assert sample(text, "conoceles_job_runs_total", kind="system.probe", queue="default", result="completed") == 1, text
        assert "conoceles_queue_depth" in text and "conoceles_http_requests_total" in text
        # Only the monitoring endpoints: the site is not served on this port.
        assert get(base + "/entrar")[0] == 404
        # The same access control as the site's /metrics: a proxy nobody declared gets nothing.
        status, body = get(base + "/metrics", {"X-Forwarded-For": "203.0.113.9"})
        assert status == 404 and "conoceles_" not in body
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    assert proc.returncode == 0, proc.log()[-3000:]


def test_an_invalid_worker_metrics_port_stops_start_up(binary, env):
    e = dict(env, CONOCELES_WORKER_METRICS_PORT="ochenta")
    p = subprocess.run([binary, "work"], cwd=ROOT, env=e, capture_output=True, text=True, timeout=60)
    assert p.returncode == 78 and "«worker.metrics_port»" in p.stderr, p.stderr
