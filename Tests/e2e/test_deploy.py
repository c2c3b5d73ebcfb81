"""deploy/: the systemd units of docs/OPERATIONS.md §9 are valid (systemd-analyze verify, when
the machine has it), run as the unprivileged service user with the hardening options, read
their secrets from an EnvironmentFile, and start commands the binary has."""
import glob
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

DEPLOY = os.path.join(ROOT, "deploy")
UNITS = sorted(glob.glob(os.path.join(DEPLOY, "*.service")) + glob.glob(os.path.join(DEPLOY, "*.timer")))


def settings(path):
    found = {}
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^([A-Za-z]+)=(.*)$", line.strip())
        if m:
            found.setdefault(m.group(1), []).append(m.group(2))
    return found


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed on this machine")
def test_systemd_analyze_verify_accepts_every_unit_without_a_warning(tmp_path, binary):
    # The units name /opt/conoceles; here that tree is a temporary folder holding this build.
    root = tmp_path / "opt"
    (root / "bin").mkdir(parents=True)
    (root / "scripts").mkdir()
    os.symlink(binary, root / "bin" / "conoceles")
    os.symlink(os.path.join(ROOT, "scripts", "backup"), root / "scripts" / "backup")
    copies = []
    for unit in UNITS:
        target = tmp_path / os.path.basename(unit)
        target.write_text(open(unit, encoding="utf-8").read().replace("/opt/conoceles", str(root)), encoding="utf-8")
        copies.append(str(target))
    p = subprocess.run(["systemd-analyze", "verify", *copies], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    # Unknown or misspelt keys are only warnings: none is allowed.
    assert p.stdout.strip() == "" and p.stderr.strip() == "", p.stdout + p.stderr


@pytest.mark.parametrize("name,command", [("conoceles-serve.service", "serve"), ("conoceles-work.service", "work")])
def test_the_services_run_unprivileged_hardened_with_secrets_apart(name, command, binary):
    s = settings(os.path.join(DEPLOY, name))
    assert s["User"] == ["conoceles"] and s["Group"] == ["conoceles"]
    assert s["EnvironmentFile"] == ["/etc/conoceles/secrets.env"]
    assert s["ExecStart"] == [f"/opt/conoceles/bin/conoceles {command} --config /etc/conoceles/conoceles.yaml"]
    for key, value in [("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
                       ("UMask", "0077"), ("StateDirectoryMode", "0700"), ("CapabilityBoundingSet", ""),
                       ("RestartPreventExitStatus", "78")]:
        assert s.get(key) == [value], (key, s.get(key))
    # The command exists in this build.
    assert subprocess.run([binary, command, "--help"], capture_output=True).returncode == 0
    # No secret in the units or the example configuration.
    for path in UNITS + [os.path.join(DEPLOY, "conoceles.yaml.example")]:
        text = open(path, encoding="utf-8").read()
        assert "ENCRYPTION_KEY=" not in text and "encryption_key:" not in text, path


def test_the_example_configuration_loads_with_the_secrets_file_layout(binary, env, tmp_path):
    """deploy/conoceles.yaml.example is a configuration the program accepts (secrets from the
    environment, as secrets.env gives them)."""
    config = tmp_path / "conoceles.yaml"
    config.write_text(open(os.path.join(DEPLOY, "conoceles.yaml.example"), encoding="utf-8").read()
                      .replace("/var/lib/conoceles/blobs", str(tmp_path / "blobs")), encoding="utf-8")
    e = dict(env, CONOCELES_SMTP_HOST="127.0.0.1")
    p = subprocess.run([binary, "migrate", "--config", str(config)], cwd=ROOT, env=e, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
