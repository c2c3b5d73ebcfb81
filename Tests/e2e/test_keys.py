"""Key rotation as an operator runs it (docs/OPERATIONS.md §4), on the small demo election:
switch to a new key keeping the old one in security.previous_keys, `keys rotate`, `keys check`,
then retire the old key."""
import base64
import os
import re
import subprocess
import tempfile

from conftest import ROOT


def run(binary, args, env, timeout=300):
    return subprocess.run([binary, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_rotate_then_retire_the_old_key(binary, env):
    old_key, new_key = env["CONOCELES_SECURITY_ENCRYPTION_KEY"], base64.b64encode(os.urandom(32)).decode()
    env["CONOCELES_PATHS_BLOBS"] = tempfile.mkdtemp(prefix="conoceles-keys-")
    env["CONOCELES_SECURITY_ENCRYPTION_KEY_ID"] = "viejo"
    demo = run(binary, ["demo", "--scale", "small"], env)
    assert demo.returncode == 0, demo.stderr

    check = run(binary, ["keys", "check"], env)
    assert check.returncode == 0, check.stdout + check.stderr
    sealed = int(re.search(r"^Cuestionarios de identidad: (\d+) cifrados \(viejo: \1\)", check.stdout, re.M).group(1))
    assert sealed > 0

    # The new key is current; the old one only opens.
    rotated = dict(env, CONOCELES_SECURITY_ENCRYPTION_KEY=new_key, CONOCELES_SECURITY_ENCRYPTION_KEY_ID="nuevo",
                   CONOCELES_SECURITY_PREVIOUS_KEYS=f"viejo:{old_key}")
    dry = run(binary, ["keys", "rotate", "--dry-run"], rotated)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert f"abren y se volverían a cifrar: {sealed}" in dry.stdout and "no se escribió nada" in dry.stdout
    assert f"(viejo: {sealed})" in run(binary, ["keys", "check"], rotated).stdout

    rotate = run(binary, ["keys", "rotate", "--batch-size", "7"], rotated)
    assert rotate.returncode == 0, rotate.stdout + rotate.stderr
    assert f"Cuestionarios de identidad: {sealed} con llaves anteriores (viejo: {sealed}); vueltos a cifrar: {sealed}" in rotate.stdout
    assert "Listo: todo está cifrado con la llave «nuevo»" in rotate.stdout
    again = run(binary, ["keys", "rotate"], rotated)
    assert again.returncode == 0 and "Nada que volver a cifrar" in again.stdout

    # Retired: only the new key, and everything still opens.
    retired = dict(rotated)
    del retired["CONOCELES_SECURITY_PREVIOUS_KEYS"]
    final = run(binary, ["keys", "check"], retired)
    assert final.returncode == 0, final.stdout + final.stderr
    assert f"Cuestionarios de identidad: {sealed} cifrados (nuevo: {sealed}); abren: {sealed}; no abren: 0" in final.stdout
    assert "Con llaves anteriores: 0." in final.stdout

    for p in (check, dry, rotate, again, final):
        assert old_key not in p.stdout + p.stderr and new_key not in p.stdout + p.stderr


def test_without_the_old_key_the_rotation_reports_what_does_not_open(binary, env):
    env["CONOCELES_PATHS_BLOBS"] = tempfile.mkdtemp(prefix="conoceles-keys-")
    env["CONOCELES_SECURITY_ENCRYPTION_KEY_ID"] = "viejo"
    assert run(binary, ["demo", "--scale", "small"], env).returncode == 0
    forgot = dict(env, CONOCELES_SECURITY_ENCRYPTION_KEY=base64.b64encode(os.urandom(32)).decode(),
                  CONOCELES_SECURITY_ENCRYPTION_KEY_ID="nuevo")
    rotate = run(binary, ["keys", "rotate"], forgot)
    assert rotate.returncode == 1
    assert "no abre" in rotate.stdout and "«viejo», que no está configurada" in rotate.stdout
    assert "vueltos a cifrar: 0" in rotate.stdout
    # Untouched: the old key still opens everything.
    assert run(binary, ["keys", "check"], env).returncode == 0
