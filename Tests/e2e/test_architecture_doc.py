"""docs/ARCHITECTURE.md stays true (issue 20): its module table says exactly what each target
of Package.swift depends on inside the package, every file it names exists, and no file
under Sources/ConocelesWeb imports a worker to enqueue (the web enqueues through
JobArguments)."""
import os
import re

from conftest import ROOT

DOC = open(os.path.join(ROOT, "docs", "ARCHITECTURE.md"), encoding="utf-8").read()
PACKAGE = open(os.path.join(ROOT, "Package.swift"), encoding="utf-8").read()


def package_targets():
    """name -> set of this package's targets it depends on (products of other packages left out)."""
    targets = {}
    for m in re.finditer(r'\.(?:target|executableTarget|testTarget)\(', PACKAGE):
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(PACKAGE[i], 0)
            i += 1
        body = PACKAGE[m.end():i - 1]
        name = re.search(r'name:\s*"(\w+)"', body).group(1)
        deps = re.search(r'dependencies:\s*\[(.*?)\]', body, re.S)
        text = re.sub(r'\.product\([^)]*\)', "", deps.group(1) if deps else "")
        targets[name] = set(re.findall(r'"(\w+)"', text))
    return targets


def documented():
    rows = {}
    section = DOC.split("## Modules and what each may import")[1].split("\n## ")[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`(\w+)`", cells[0])
        deps = set(re.findall(r"`(\w+)`", cells[2]))
        for name in names:
            rows[name] = deps
    return rows


def test_the_module_table_matches_package_swift():
    targets, rows = package_targets(), documented()
    sources = {n for n in targets if os.path.isdir(os.path.join(ROOT, "Sources", n))}
    assert set(rows) == sources, f"targets missing or extra in the table: {set(rows) ^ sources}"
    for name in sources:
        if name == "Conoceles":
            assert "every target above" in DOC
            continue
        if name == "Imaging":
            assert targets[name] == {"CImagingShim"}
            continue
        if name == "Mail":
            assert targets[name] == {"CMailShim"}
            continue
        if name in ("CImagingShim", "CMailShim"):
            assert targets[name] == set()
            continue
        assert rows[name] == targets[name], f"{name}: doc {sorted(rows[name])} vs Package.swift {sorted(targets[name])}"


def test_the_queue_tests_do_not_depend_on_storage():
    targets = package_targets()
    seen, todo = set(), list(targets["JobQueueTests"])
    while todo:
        t = todo.pop()
        if t in seen:
            continue
        seen.add(t)
        todo.extend(targets.get(t, ()))
    assert "JobQueue" in seen and "QueueTestSupport" in seen
    assert "Storage" not in seen and "TestSupport" not in seen, sorted(seen)


def test_every_file_the_doc_names_exists():
    paths = set(re.findall(r"`((?:Sources|Tests|jobs|pipelines|config|docs|scripts)/[^`*<>]+?)`", DOC))
    assert paths, "the doc names files"
    missing = [p for p in sorted(paths) if not os.path.exists(os.path.join(ROOT, p))]
    assert not missing, missing


def test_the_web_enqueues_without_importing_workers():
    web = os.path.join(ROOT, "Sources", "ConocelesWeb")
    offenders = []
    for folder, _, files in os.walk(web):
        for f in files:
            if not f.endswith(".swift"):
                continue
            lines = open(os.path.join(folder, f), encoding="utf-8").read().splitlines()
            code = "\n".join(l for l in lines if not l.strip().startswith("//"))
            if re.search(r"\b\w+Worker\b", code):
                offenders.append(os.path.relpath(os.path.join(folder, f), ROOT))
    assert not offenders, f"web files naming a worker: {offenders}"


def test_every_registered_worker_is_tested_in_the_jobs_tests():
    registry = open(os.path.join(ROOT, "Sources", "ConocelesJobs", "WorkerRegistry.swift"), encoding="utf-8").read()
    listed = registry.split("public static let workers")[1].split("= [", 1)[1].split("]")[0]
    workers = re.findall(r"(\w+Worker)\.self", listed)
    assert len(workers) >= 15, workers
    folder = os.path.join(ROOT, "Tests", "ConocelesJobsTests")
    tests = "\n".join(open(os.path.join(folder, f), encoding="utf-8").read() for f in os.listdir(folder) if f.endswith(".swift"))
    untested = [w for w in workers if not re.search(rf"\b{w}\(", tests)]
    assert not untested, f"workers without a test in Tests/ConocelesJobsTests: {untested}"
