"""`conoceles import candidacies FILE.csv`: the same events as the API, from a CSV batch."""
import subprocess

from conftest import ROOT

HEADER = "event_id,type,occurred_at,candidacy_id,office,municipality,formula_position,full_name,gender,birth_date,postulated_by_type,postulated_by,email\n"


def row(n, **kw):
    v = dict(event_id=f"csv-{n}", type="candidacy.approved", occurred_at="2024-03-05T18:00:00Z", candidacy_id=f"CSV-{n}",
             office="REG", municipality="039", formula_position="suplente", full_name=f"Regidora Número {n}",
             gender="mujer", birth_date="1990-07-01", postulated_by_type="partido", postulated_by="MORENA",
             email=f"regidora{n}@example.mx")
    v.update(kw)
    return ",".join(v[k] for k in HEADER.strip().split(",")) + "\n"


def psql(env, sql):
    return subprocess.run(["psql", env["CONOCELES_DATABASE_URL"], "-tAc", sql], capture_output=True, text=True).stdout.strip()


def run_import(binary, env, path):
    return subprocess.run([binary, "import", "candidacies", str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_valid_rows_are_stored_invalid_rows_reported_and_a_second_import_changes_nothing(binary, env, tmp_path):
    path = tmp_path / "candidaturas.csv"
    path.write_text(HEADER + row(1) + row(2) + row(3, gender="femenino", email="sin-arroba") + row(4), encoding="utf-8")
    p = run_import(binary, env, path)
    assert p.returncode == 1, p.stderr
    assert "Filas: 4; guardadas: 3; repetidas sin efecto: 0; con conflicto: 0; inválidas: 1" in p.stdout
    assert "fila 4 (csv-3)" in p.stdout and "candidacy.gender" in p.stdout and "no es válido" in p.stdout
    assert psql(env, "SELECT count(*) FROM registration_events WHERE source = 'csv'") == "3"
    assert psql(env, "SELECT count(*) FROM jobs WHERE kind = 'registration.ingest'") == "3"

    path.write_text(HEADER + row(1) + row(2) + row(4, full_name="Otro Nombre"), encoding="utf-8")
    p = run_import(binary, env, path)
    assert "guardadas: 0; repetidas sin efecto: 2; con conflicto: 1" in p.stdout, p.stdout
    assert psql(env, "SELECT count(*) FROM jobs WHERE kind = 'registration.ingest'") == "3"


def test_unknown_columns_and_non_utf8_files_are_refused(binary, env, tmp_path):
    bad = tmp_path / "mal.csv"
    bad.write_text("event_id,tipo_raro\nx,y\n", encoding="utf-8")
    p = run_import(binary, env, bad)
    assert p.returncode != 0 and "Columnas desconocidas: tipo_raro" in p.stderr
    latin = tmp_path / "latin1.csv"
    latin.write_bytes((HEADER + row(9, full_name="Peña")).encode("latin-1"))
    p = run_import(binary, env, latin)
    assert p.returncode != 0 and "UTF-8" in p.stderr
