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


def test_a_file_with_an_invalid_row_stores_nothing_and_the_corrected_file_is_stored_once(binary, env, tmp_path):
    path = tmp_path / "candidaturas.csv"
    path.write_text(HEADER + row(1) + row(2) + row(3, gender="femenino", email="sin-arroba") + row(4, municipality="999"), encoding="utf-8")
    p = run_import(binary, env, path)
    assert p.returncode == 1, p.stderr
    assert "Filas: 4; guardadas: 0; repetidas sin efecto: 0; con conflicto: 0; inválidas: 2" in p.stdout
    assert "fila 4 (csv-3)" in p.stdout and "candidacy.gender" in p.stdout and "no es válido" in p.stdout
    assert "fila 5 (csv-4): «municipality»: El municipio 999 no está en el catálogo." in p.stdout
    assert "No se guardó ninguna fila" in p.stdout
    assert psql(env, "SELECT count(*) FROM registration_events WHERE source = 'csv'") == "0"

    # Corrected, saved by Excel es-MX with semicolons, CRLF and a BOM; the leading zeros lost.
    text = (HEADER + row(1) + row(2) + row(3) + row(4, municipality="39")).replace(",", ";").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    p = run_import(binary, env, path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Filas: 4; guardadas: 4; repetidas sin efecto: 0; con conflicto: 0; inválidas: 0" in p.stdout
    assert "fila 5 (csv-4): «municipality»: «39» se tomó como «039»" in p.stdout
    assert psql(env, "SELECT count(*) FROM registration_events WHERE source = 'csv'") == "4"
    assert psql(env, "SELECT count(*) FROM jobs WHERE kind = 'registration.ingest'") == "4"

    path.write_text(HEADER + row(1) + row(2) + row(4, full_name="Otro Nombre"), encoding="utf-8")
    p = run_import(binary, env, path)
    assert "guardadas: 0; repetidas sin efecto: 2; con conflicto: 1" in p.stdout, p.stdout
    assert psql(env, "SELECT count(*) FROM jobs WHERE kind = 'registration.ingest'") == "4"


def test_unknown_columns_are_refused_and_windows_1252_files_are_read(binary, env, tmp_path):
    bad = tmp_path / "mal.csv"
    bad.write_text("event_id,tipo_raro\nx,y\n", encoding="utf-8")
    p = run_import(binary, env, bad)
    assert p.returncode != 0 and "Columnas desconocidas: tipo_raro" in p.stderr
    latin = tmp_path / "latin1.csv"
    latin.write_bytes((HEADER + row(9, full_name="Peña")).encode("cp1252"))
    p = run_import(binary, env, latin)
    assert p.returncode == 0, p.stdout + p.stderr
    assert psql(env, "SELECT body->'candidacy'->>'full_name' FROM registration_events WHERE id = 'csv-9'") == "Peña"


def test_rejected_events_are_listed(binary, env, tmp_path):
    p = subprocess.run([binary, "import", "rejected"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "No hay eventos rechazados." in p.stdout
    psql(env, "INSERT INTO registration_events (id, process_id, type, candidacy_id, body, source, status, status_reason) "
              "VALUES ('rej-1', 'jalisco-2024', 'approval', 'C-REJ', '{}', 'csv', 'rejected', 'El cargo «X» no existe en el proceso electoral.')")
    p = subprocess.run([binary, "import", "rejected"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "Eventos rechazados: 1" in p.stdout
    assert "rej-1\tC-REJ\tcsv\t" in p.stdout and "El cargo «X» no existe en el proceso electoral." in p.stdout
