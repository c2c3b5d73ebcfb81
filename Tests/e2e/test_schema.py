"""docs/openapi.yaml against the running server, with schemathesis (issue 10): for every
operation, generated requests (valid and invalid) get no 5xx and no answer outside the
schema (status, content type, body, headers). Events are signed with the shared secret as
the registration system signs them; unsigned ones must get 401 problems that conform too.
Example counts are bounded (SCHEMA_EXAMPLES scales them) so that the file runs in a couple
of minutes."""
import json
import os
import subprocess

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_headers_conformance,
                                 response_schema_conformance, status_code_conformance)

from conftest import ROOT, free_port, start, wait_http
from seeded import fresh_env, sign

SPEC = os.path.join(ROOT, "docs", "openapi.yaml")
SCALE = float(os.environ.get("SCHEMA_EXAMPLES", "1"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
# (method, path, generation mode, signed, examples)
PLAN = [
    ("POST", "/api/v1/events", GenerationMode.POSITIVE, True, 150),
    ("POST", "/api/v1/events", GenerationMode.NEGATIVE, True, 100),
    ("POST", "/api/v1/events", GenerationMode.POSITIVE, False, 40),
    ("GET", "/api/v1/publico/candidaturas", GenerationMode.POSITIVE, False, 150),
    ("GET", "/api/v1/publico/candidaturas", GenerationMode.NEGATIVE, False, 60),
    ("GET", "/api/v1/publico/candidaturas/{id}", GenerationMode.POSITIVE, False, 60),
    ("GET", "/health", GenerationMode.POSITIVE, False, 3),
    ("GET", "/metrics", GenerationMode.POSITIVE, False, 3),
]


@pytest.fixture(scope="module")
def server(binary, tmp_path_factory):
    env, admin, name = fresh_env()
    tmp = tmp_path_factory.mktemp("schema")
    env.update(CONOCELES_SMTP_PORT=str(free_port()), CONOCELES_PATHS_BLOBS=str(tmp / "blobs"))
    proc = start(binary, ["up"], env)
    base = f"http://127.0.0.1:{env['CONOCELES_HTTP_PORT']}"
    try:
        wait_http(base + "/health", proc)
        yield base, env["CONOCELES_SECURITY_EVENT_HMAC_SECRET"], proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


def send(case, base, secret, signed, session):
    kwargs = case.as_transport_kwargs(base_url=base)
    kwargs.pop("timeout", None)
    if signed:
        if "json" in kwargs:
            body = json.dumps(kwargs.pop("json")).encode()
        else:
            body = kwargs.pop("data", b"") or b""
            body = body.encode() if isinstance(body, str) else body
        headers = dict(kwargs.pop("headers", {}) or {})
        headers.update(sign(secret, body))
        kwargs["data"], kwargs["headers"] = body, headers
    return session.request(**kwargs, timeout=30, allow_redirects=False)


@pytest.mark.parametrize("method,path,mode,signed,examples", PLAN,
                         ids=[f"{m} {p} {mode.value}{' signed' if s else ''}" for m, p, mode, s, _ in PLAN])
def test_the_server_answers_within_the_schema(server, method, path, mode, signed, examples):
    base, secret, proc = server
    schema = schemathesis.openapi.from_path(SPEC)
    operation = schema[path][method]
    session = requests.Session()
    seen = {"requests": 0, "statuses": {}}

    @settings(max_examples=max(1, int(examples * SCALE)), deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = send(case, base, secret, signed, session)
        seen["requests"] += 1
        seen["statuses"][response.status_code] = seen["statuses"].get(response.status_code, 0) + 1
        case.validate_response(response, checks=CHECKS)
        if path == "/api/v1/events" and not signed:
            assert response.status_code in (401, 413), response.text

    run()
    print(f"SCHEMA {method} {path} {mode.value}{' signed' if signed else ''}: {seen['requests']} requests, statuses {seen['statuses']}")
    assert proc.poll() is None, "the server died"
    assert seen["requests"] >= 1
