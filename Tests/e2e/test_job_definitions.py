"""Start-up against the job definitions (issue 20): every kind with a worker has its
`jobs/<kind>.yaml`, and no job file, schedule or pipeline step names a kind without a
worker. A wrong set stops `work` (and every command that loads them) naming the file."""
import os
import shutil
import subprocess
import time

from conftest import ROOT


def copy_definitions(tmp_path):
    jobs, pipelines = tmp_path / "jobs", tmp_path / "pipelines"
    shutil.copytree(os.path.join(ROOT, "jobs"), jobs)
    shutil.copytree(os.path.join(ROOT, "pipelines"), pipelines)
    return jobs, pipelines


def start_work(binary, env, jobs, pipelines):
    env = dict(env, CONOCELES_PATHS_JOBS=str(jobs), CONOCELES_PATHS_PIPELINES=str(pipelines))
    t0 = time.monotonic()
    p = subprocess.run([binary, "work"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    return p, time.monotonic() - t0


def test_a_kind_with_a_worker_but_no_file_stops_the_start(binary, env, tmp_path):
    jobs, pipelines = copy_definitions(tmp_path)
    (jobs / "mail.bounces.yaml").unlink()
    p, seconds = start_work(binary, env, jobs, pipelines)
    assert p.returncode != 0
    assert seconds < 10
    assert f"{jobs}/mail.bounces.yaml" in p.stderr
    assert "falta el archivo" in p.stderr and "mail.bounces" in p.stderr


def test_a_file_for_a_kind_without_a_worker_stops_the_start(binary, env, tmp_path):
    jobs, pipelines = copy_definitions(tmp_path)
    (jobs / "mail.nueva.yaml").write_text("kind: mail.nueva\nqueue: default\n")
    p, _ = start_work(binary, env, jobs, pipelines)
    assert p.returncode != 0
    assert f"{jobs}/mail.nueva.yaml" in p.stderr and "no hay un trabajador para «mail.nueva»" in p.stderr


def test_a_pipeline_step_without_a_worker_stops_the_start(binary, env, tmp_path):
    jobs, pipelines = copy_definitions(tmp_path)
    path = pipelines / "candidacy-approved.yaml"
    path.write_text(path.read_text() + "  - { name: extra, kind: mail.nueva, after: [cuentas] }\n")
    p, _ = start_work(binary, env, jobs, pipelines)
    assert p.returncode != 0
    assert f"{path}" in p.stderr and "no hay un trabajador para «mail.nueva»" in p.stderr


def test_a_missing_pipelines_folder_stops_the_start(binary, env, tmp_path):
    jobs, _ = copy_definitions(tmp_path)
    missing = tmp_path / "no-existe"
    p, _ = start_work(binary, env, jobs, missing)
    assert p.returncode != 0
    assert str(missing) in p.stderr and "pipelines" in p.stderr
