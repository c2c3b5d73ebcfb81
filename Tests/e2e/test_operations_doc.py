"""docs/OPERATIONS.md stays true to the code: every `conoceles …` command it gives exists with
the options it shows, every script, deploy file and test it names exists, the configuration
keys it names are ones the program reads, and its nginx example is a configuration nginx
accepts (nginx -t). The commands themselves run in the suites the document names
(test_backup, test_pitr, test_operations, test_keys, test_cli, test_deploy, test_monitoring,
test_replica, test_database_tls)."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

DOC = open(os.path.join(ROOT, "docs", "OPERATIONS.md"), encoding="utf-8").read()


def test_every_conoceles_command_in_the_guide_exists_with_its_options(binary):
    commands = sorted(set(re.findall(r"conoceles ((?:serve|work|up|migrate|keys|jobs|export|demo|import|publication|privacy|"
                                     r"accounts|photo)\b[^`|)#\n]*)", DOC)))
    assert len(commands) >= 8, commands
    for command in commands:
        words = command.split()
        # The subcommand path: the leading plain words (`keys rotate`, `jobs list`).
        path = []
        for w in words:
            if w.startswith("-") or not re.fullmatch(r"[a-z]+", w):
                break
            path.append(w)
        p = subprocess.run([binary, *path, "--help"], capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, (command, p.stderr)
        for option in re.findall(r"(--[a-z][a-z-]*)", command):
            assert option in p.stdout, f"«conoceles {command}»: {option} is not an option of «conoceles {' '.join(path)}»"


def test_every_script_deploy_file_and_test_the_guide_names_exists():
    for script in set(re.findall(r"scripts/([a-z][a-z-]*)", DOC)):
        path = os.path.join(ROOT, "scripts", script)
        assert os.access(path, os.X_OK) or os.path.isdir(path), f"scripts/{script}"
    for name in set(re.findall(r"deploy/([A-Za-z0-9.-]+[A-Za-z0-9])", DOC)):
        assert os.path.exists(os.path.join(ROOT, "deploy", name)), f"deploy/{name}"
    for test in set(re.findall(r"Tests/e2e/(test_[a-z_]+\.py)", DOC)):
        assert os.path.exists(os.path.join(ROOT, "Tests", "e2e", test)), test
    swift_tests = subprocess.run(["grep", "-rhoE", r"(struct|@Suite\(\")[A-Za-z ]+", os.path.join(ROOT, "Tests")],
                                 capture_output=True, text=True).stdout
    for suite in set(re.findall(r"`([A-Z][A-Za-z]+Tests)`", DOC)):
        assert suite in swift_tests, suite


def test_every_configuration_key_the_guide_names_is_read_by_the_program():
    sources = ""
    for folder, _, files in os.walk(os.path.join(ROOT, "Sources", "ConocelesConfig")):
        for f in files:
            sources += open(os.path.join(folder, f), encoding="utf-8").read()
    keys = set(re.findall(r"`((?:database|http|smtp|log|metrics|worker|paths|security|publication|process)\.[a-z_]+)`", DOC))
    assert len(keys) > 15, keys
    for key in keys:
        if os.path.exists(os.path.join(ROOT, "jobs", key + ".yaml")) or key == "database.dump":
            continue  # a job kind (publication.rebuild) or the backup's file, not a setting
        assert f'"{key}"' in sources, f"{key} is in docs/OPERATIONS.md but the configuration does not read it"


@pytest.mark.skipif(shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"), reason="nginx is not installed")
def test_the_nginx_example_is_accepted_by_nginx(tmp_path):
    block = re.search(r"```nginx\n(.*?)```", DOC, re.S).group(1)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "privkey.pem"),
                    "-out", str(tmp_path / "fullchain.pem"), "-days", "1", "-subj", "/CN=conoceles.example"],
                   check=True, capture_output=True)
    block = block.replace("/etc/ssl/conoceles/", str(tmp_path) + "/")
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
{block}
}}
""")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    p = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
