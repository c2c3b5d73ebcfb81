"""Drain benchmark for procrastinate (PyPI 3.10.0, psycopg 3), measured like `conoceles bench queue`.

Fresh jobs (procrastinate's schema applied once per database, its jobs table emptied), N no-op
jobs deferred in batches (`batch_defer_async`, one statement per chunk), ANALYZE, then its
worker with `wait=False` (it stops once it has caught up) and the given concurrency, from
its start until it returns; every job is then checked to be `succeeded`. One line per
measurement on stdout:

    procrastinate enqueue jobs=N chunk=C seconds=S jobs_per_s=R
    procrastinate drain concurrency=K jobs=N seconds=S jobs_per_s=R
"""

import argparse
import asyncio
import time

import procrastinate


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=5_000)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()

    # One pool connection per concurrent job, one for LISTEN, one spare.
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=args.dsn, min_size=2, max_size=args.concurrency + 2))

    @app.task(name="noop", queue="bench")
    async def noop() -> None:
        pass

    async with app.open_async():
        connector = app.connector
        installed = await connector.execute_query_one_async(
            "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS installed")
        if not installed["installed"]:
            await app.schema_manager.apply_schema_async()
        await connector.execute_query_async(
            "TRUNCATE procrastinate_jobs, procrastinate_events RESTART IDENTITY CASCADE")

        start = time.perf_counter()
        left = args.jobs
        while left > 0:
            n = min(args.chunk, left)
            await noop.batch_defer_async(*({} for _ in range(n)))
            left -= n
        seconds = time.perf_counter() - start
        print(f"procrastinate enqueue jobs={args.jobs} chunk={args.chunk} seconds={seconds:.3f} "
              f"jobs_per_s={int(args.jobs / seconds)}", flush=True)
        await connector.execute_query_async("ANALYZE procrastinate_jobs")

        start = time.perf_counter()
        await app.run_worker_async(
            queues=["bench"], concurrency=args.concurrency, wait=False, install_signal_handlers=False)
        seconds = time.perf_counter() - start
        done = await connector.execute_query_one_async(
            "SELECT count(*) AS n FROM procrastinate_jobs WHERE status = 'succeeded'")
        if done["n"] != args.jobs:
            raise SystemExit(f"procrastinate drain incomplete: {done['n']} of {args.jobs} succeeded")
        print(f"procrastinate drain concurrency={args.concurrency} jobs={args.jobs} seconds={seconds:.3f} "
              f"jobs_per_s={int(args.jobs / seconds)}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
