"""Driver of scripts/bench/ingest (stdlib only).

  ingest.py run --base-url URL --database-url URL --sink-dir DIR [--events 20000 --connections 32]
      posts signed candidacy.approved events concurrently (keep-alive), waits until every
      account's credentials message is in the sink's directory (Postfix smtp-sink: one file
      per message), prints the CPU split per process, per-stage timings, commits and
      statements per event, and the BENCH line (last line).
"""
import argparse
import csv
import hashlib
import hmac
import http.client
import json
import os
import queue
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PARTIES = ["PAN", "PRI", "PRD", "PVEM", "PT", "MC", "MORENA", "HAGAMOS", "FUTURO"]
MUNICIPAL_OFFICES = ["PM", "SIN", "REG"]
DISTRICTS = 20


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# --- the events -----------------------------------------------------------------------------

def municipalities():
    with open(os.path.join(ROOT, "config/catalogs/jalisco-municipios.csv"), newline="", encoding="utf-8") as f:
        return [row["clave_inegi"] for row in csv.DictReader(f)]


def events(n, run):
    """n valid approvals for jalisco-2024, unique candidacy ids and e-mails; the first
    event of each party names its representative (one generic account per party)."""
    keys = municipalities()
    out = []
    for i in range(n):
        party = PARTIES[i % len(PARTIES)]
        c = {
            "id": f"B{run}-{i}", "process": "jalisco-2024", "formula_position": "propietario" if i % 2 else "suplente",
            "full_name": f"Persona Candidata {i}", "gender": ("mujer", "hombre", "no_binaria")[i % 3],
            "birth_date": f"{1950 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "postulated_by_type": "partido", "postulated_by": party, "email": f"persona.{run}.{i}@example.mx",
        }
        if i % 8 == 7:
            c["office"] = "DIP_MR"
            c["district"] = 1 + (i // 8) % DISTRICTS
        else:
            c["office"] = MUNICIPAL_OFFICES[i % 3]
            c["municipality"] = keys[(i // 3) % len(keys)]
        if i < len(PARTIES):
            c["representative_email"] = f"representacion.{party.lower()}.{run}@example.mx"
        event = {"id": f"evt-{run}-{i}", "type": "candidacy.approved", "occurred_at": "2024-03-05T18:00:00Z", "candidacy": c}
        out.append(json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode())
    return out


def poster(host, port, secret, work, results):
    """One keep-alive connection; posts bodies from `work` until it is empty."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    ok = bad = 0
    failures = []
    latencies = []
    while True:
        try:
            body = work.get_nowait()
        except queue.Empty:
            break
        ts = str(int(time.time()))
        sig = "sha256=" + hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Conoceles-Timestamp": ts, "X-Conoceles-Signature": sig}
        for attempt in range(3):
            try:
                t0 = time.monotonic()
                conn.request("POST", "/api/v1/events", body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                latencies.append(time.monotonic() - t0)
                break
            except (http.client.HTTPException, OSError) as e:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                if attempt == 2:
                    failures.append(repr(e))
                    r = None
        if r is not None and r.status in (200, 202):  # 200: a retried POST the server had stored
            ok += 1
        else:
            bad += 1
            if len(failures) < 3:
                failures.append(f"{getattr(r, 'status', None)} {data[:200]!r}" if r is not None else "no answer")
    conn.close()
    results.append((ok, bad, failures, latencies))


def psql(url, sql):
    out = subprocess.run(["psql", url, "-XqtAF", "|", "-c", sql], capture_output=True, text=True, check=True).stdout
    return [line.split("|") for line in out.strip().splitlines() if line]


TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    """utime + stime of a process (all its threads), in seconds; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def parent(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def cluster(postmaster):
    """PIDs of the PostgreSQL server: the postmaster, its backends and its auxiliary
    processes (checkpointer, WAL writer, background writer, autovacuum, stats)."""
    pids = [postmaster]
    for entry in os.listdir("/proc"):
        if entry.isdigit() and parent(int(entry)) == postmaster:
            pids.append(int(entry))
    return pids


def machine_busy():
    """Seconds the whole machine spent busy (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(x) for x in f.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK  # minus idle and iowait


def cpu_snapshot(args):
    return {"conoceles": proc_cpu(args.app_pid), "postgres": {p: proc_cpu(p) for p in cluster(args.postmaster)},
            "sink": proc_cpu(args.sink_pid), "driver": sum(os.times()[:2]), "machine": machine_busy(), "at": time.time()}


def cpu_report(before, after, events):
    """Logs CPU seconds per process and ms per event; returns the total ms per event."""
    seconds = after["at"] - before["at"]
    pg = sum(v - before["postgres"].get(p, 0.0) for p, v in after["postgres"].items())
    ours = {"conoceles": after["conoceles"] - before["conoceles"], "postgresql (all processes)": pg,
            "sink": after["sink"] - before["sink"], "driver": after["driver"] - before["driver"]}
    machine = after["machine"] - before["machine"]
    log(f"cpu over {seconds:.1f} s (machine: {os.cpu_count()} cores = {os.cpu_count() * seconds:.0f} cpu-s):   seconds   ms/event")
    for name, value in ours.items():
        log(f"  {name:26s} {value:8.1f} {value * 1000 / events:10.2f}")
    total = sum(ours.values())
    log(f"  {'all of the above':26s} {total:8.1f} {total * 1000 / events:10.2f}")
    log(f"  {'everything else':26s} {machine - total:8.1f}   (other users of the machine)")
    log(f"  {'machine busy':26s} {machine:8.1f}")
    return total * 1000 / events


def maildir_count(new):
    try:
        return sum(1 for e in os.scandir(new) if e.is_file())
    except FileNotFoundError:
        return 0


def last_mail_time(new):
    return max((e.stat().st_mtime for e in os.scandir(new) if e.is_file()), default=0.0)


def database_counters(url):
    """Commits of the benchmark's database and statements run in it (pg_stat_statements)."""
    (commits, statements), = psql(url, """
        SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
               (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()))""")
    return int(commits), int(statements)


def run(args):
    secret = os.environ["CONOCELES_SECURITY_EVENT_HMAC_SECRET"].encode()
    host, port = args.base_url.split("//", 1)[1].rstrip("/").split(":")
    port = int(port)
    new = args.sink_dir
    run_id = os.urandom(3).hex()
    bodies = events(args.events, run_id)
    work = queue.SimpleQueue()
    for b in bodies:
        work.put(b)
    results = []
    threads = [threading.Thread(target=poster, args=(host, port, secret, work, results)) for _ in range(args.connections)]
    log(f"posting {args.events} events over {args.connections} keep-alive connections")
    psql(args.stats_url, "SELECT pg_stat_statements_reset()")
    counters_before = database_counters(args.stats_url)
    cpu_before = cpu_snapshot(args)
    start_wall = time.time()
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    post_seconds = time.monotonic() - start
    ok = sum(r[0] for r in results)
    bad = sum(r[1] for r in results)
    latencies = sorted(x for r in results for x in r[3])
    log(f"posted: {ok} accepted (202), {bad} not, in {post_seconds:.1f} s = {ok / post_seconds:.0f} events/s; "
        f"latency p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms")
    if bad:
        log("failures:", [f for r in results for f in r[2]][:5])
        return 1

    # Done when every event is applied, every account issued has its credentials sent and
    # every one of those messages is in the Maildir (and the pipelines have no job left).
    last_progress, last_seen, last_log = time.monotonic(), -1, 0.0
    while True:
        (pending, accounts, unsent, open_jobs), = psql(args.database_url, """
            SELECT (SELECT count(*) FROM registration_events WHERE status <> 'applied'),
                   (SELECT count(*) FROM accounts),
                   (SELECT count(*) FROM accounts WHERE credentials_sent_at IS NULL),
                   (SELECT count(*) FROM jobs WHERE state NOT IN ('completed', 'discarded', 'cancelled'))""")
        pending, accounts, unsent, open_jobs = int(pending), int(accounts), int(unsent), int(open_jobs)
        mails = maildir_count(new)
        if pending == 0 and unsent == 0 and open_jobs == 0 and mails >= accounts:
            break
        if time.monotonic() - last_log >= 10:
            last_log = time.monotonic()
            log(f"  {time.monotonic() - start:6.1f} s: events pending {pending}, accounts {accounts} ({unsent} unsent), "
                f"open jobs {open_jobs}, mails {mails}")
        if mails != last_seen:
            last_seen, last_progress = mails, time.monotonic()
        elif time.monotonic() - last_progress > args.stall_seconds:
            log(f"no progress for {args.stall_seconds} s: giving up")
            return 1
        time.sleep(0.5)
    cpu_after = cpu_snapshot(args)
    time.sleep(1)  # the statistics of the last transactions reach pg_stat_database
    counters_after = database_counters(args.stats_url)
    end_wall = last_mail_time(new)
    seconds = end_wall - start_wall
    time.sleep(args.settle_seconds)  # a duplicate would arrive now
    mails = maildir_count(new)
    (accounts,), = psql(args.database_url, "SELECT count(*) FROM accounts")
    accounts = int(accounts)

    stages(args.database_url, start_wall)
    cpu_ms = cpu_report(cpu_before, cpu_after, ok)
    commits = (counters_after[0] - counters_before[0]) / ok
    statements = (counters_after[1] - counters_before[1]) / ok
    log(f"database: {counters_after[0] - counters_before[0]} commits, {counters_after[1] - counters_before[1]} statements "
        f"(pg_stat_database, pg_stat_statements; the driver's own polling included)")
    top = psql(args.stats_url, """
        SELECT calls, round(total_exec_time::numeric, 0), left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY calls DESC LIMIT 12""")
    log("  most frequent statements (calls, ms):")
    for row in top:  # the query text may hold the separator
        log(f"    {int(row[0]):8d} {int(float(row[1])):8d}  {'|'.join(row[2:])}")
    ok_mails = mails == accounts
    log(f"accounts issued {accounts}, mails {mails}: {'equal' if ok_mails else 'DIFFERENT'}")
    print(f"BENCH ingest events={ok} seconds={seconds:.2f} events_per_s={ok / seconds:.1f} mails={mails} "
          f"cpu_ms_per_event={cpu_ms:.2f} commits_per_event={commits:.3f} statements_per_event={statements:.2f} "
          f"sink_ceiling_per_s={args.sink_ceiling:.0f}", flush=True)
    return 0 if ok_mails else 1


def stages(url, start_wall):
    """Per-stage timings from the database's own timestamps, relative to the first POST."""
    rows = psql(url, f"""
        WITH t0 AS (SELECT to_timestamp({start_wall}) AS t)
        SELECT 'events received', count(*), extract(epoch FROM min(received_at) - t), extract(epoch FROM max(received_at) - t)
          FROM registration_events, t0 GROUP BY t
        UNION ALL
        SELECT 'events applied', count(*), extract(epoch FROM min(applied_at) - t), extract(epoch FROM max(applied_at) - t)
          FROM registration_events, t0 GROUP BY t
        UNION ALL
        SELECT 'accounts created', count(*), extract(epoch FROM min(created_at) - t), extract(epoch FROM max(created_at) - t)
          FROM accounts, t0 GROUP BY t
        UNION ALL
        SELECT 'credentials sent', count(*), extract(epoch FROM min(credentials_sent_at) - t), extract(epoch FROM max(credentials_sent_at) - t)
          FROM accounts, t0 GROUP BY t
        UNION ALL
        SELECT * FROM (
          SELECT 'jobs ' || kind, count(*), extract(epoch FROM min(attempted_at) - t), extract(epoch FROM max(finalized_at) - t)
            FROM jobs, t0 GROUP BY kind, t ORDER BY min(attempted_at)) k""")
    log("stage                         count   first (s)   last (s)   rate (/s over its span)")
    for name, count, first, last in rows:
        first, last, count = float(first or 0), float(last or 0), int(count)
        span = last - first
        log(f"  {name:26s} {count:7d} {first:10.2f} {last:10.2f}   {count / span if span > 0 else 0:8.0f}")
    lat = psql(url, """
        SELECT 'received → applied', percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM applied_at - received_at))
          FROM registration_events
        UNION ALL
        SELECT 'account created → sent', percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM credentials_sent_at - created_at))
          FROM accounts""")
    for name, pcts in lat:
        p50, p99 = (float(x) for x in pcts.strip("{}").split(","))
        log(f"  {name:26s} p50 {p50:7.2f} s   p99 {p99:7.2f} s")
    retries = psql(url, "SELECT kind, count(*) FROM jobs WHERE attempt > 1 GROUP BY kind")
    if retries:
        log("  jobs retried:", ", ".join(f"{k} {n}" for k, n in retries))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--base-url", required=True)
    r.add_argument("--database-url", required=True)
    r.add_argument("--stats-url", required=True, help="the benchmark database as a role that reads pg_stat_statements")
    r.add_argument("--sink-dir", required=True, help="where smtp-sink writes one file per message")
    r.add_argument("--sink-ceiling", type=float, default=0, help="messages/s the sink took from smtp-source")
    r.add_argument("--postmaster", type=int, required=True, help="the PostgreSQL server's postmaster PID")
    r.add_argument("--events", type=int, default=20000)
    r.add_argument("--connections", type=int, default=32)
    r.add_argument("--stall-seconds", type=float, default=120)
    r.add_argument("--settle-seconds", type=float, default=2)
    r.add_argument("--app-pid", type=int, default=0, help="conoceles up, for its CPU time")
    r.add_argument("--sink-pid", type=int, default=0, help="the SMTP sink, for its CPU time")
    args = p.parse_args()
    sys.exit(run(args))


if __name__ == "__main__":
    main()
