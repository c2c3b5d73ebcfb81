"""Drain benchmark for pgqueuer (PyPI 1.6.0, asyncpg), measured like `conoceles bench queue`.

For each batch size: a fresh pgqueuer schema, N no-op jobs bulk-enqueued in chunks (one
statement per chunk), ANALYZE, then a QueueManager with that batch size runs from its start
until the N-th handler has run and the worker has shut down and flushed its completion log
(so every job is finished in the database). One line per measurement on stdout:

    pgqueuer enqueue batch=B jobs=N chunk=C seconds=S jobs_per_s=R
    pgqueuer drain batch=B jobs=N seconds=S jobs_per_s=R
"""

import argparse
import asyncio
import time

import asyncpg
from pgqueuer import AsyncpgDriver, Queries, QueueManager


async def fresh_schema(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        queries = Queries(AsyncpgDriver(conn))
        if await queries.schema_is_installed():
            await queries.uninstall()
        await queries.install()
    finally:
        await conn.close()


async def enqueue(dsn: str, jobs: int, chunk: int) -> float:
    conn = await asyncpg.connect(dsn)
    try:
        queries = Queries(AsyncpgDriver(conn))
        start = time.perf_counter()
        left = jobs
        while left > 0:
            n = min(chunk, left)
            await queries.enqueue(["noop"] * n, [None] * n, [0] * n)
            left -= n
        elapsed = time.perf_counter() - start
        await conn.execute("ANALYZE pgqueuer")
        return elapsed
    finally:
        await conn.close()


async def drain(dsn: str, jobs: int, batch: int) -> float:
    conn = await asyncpg.connect(dsn)
    try:
        qm = QueueManager(Queries(AsyncpgDriver(conn)))
        done = 0

        @qm.entrypoint("noop")
        async def noop(job) -> None:
            nonlocal done
            done += 1
            if done >= jobs:
                qm.shutdown.set()

        start = time.perf_counter()
        # run() returns after in-flight jobs finished and the status buffer was flushed.
        await qm.run(batch_size=batch)
        elapsed = time.perf_counter() - start
        left = await conn.fetchval("SELECT count(*) FROM pgqueuer")
        if done < jobs or left != 0:
            raise SystemExit(f"pgqueuer drain incomplete: {done} handled, {left} left in the queue")
        return elapsed
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=5_000)
    parser.add_argument("--batch-sizes", default="100,1000")
    args = parser.parse_args()
    for batch in (int(b) for b in args.batch_sizes.split(",")):
        await fresh_schema(args.dsn)
        seconds = await enqueue(args.dsn, args.jobs, args.chunk)
        print(f"pgqueuer enqueue batch={batch} jobs={args.jobs} chunk={args.chunk} "
              f"seconds={seconds:.3f} jobs_per_s={int(args.jobs / seconds)}", flush=True)
        seconds = await drain(args.dsn, args.jobs, batch)
        print(f"pgqueuer drain batch={batch} jobs={args.jobs} seconds={seconds:.3f} "
              f"jobs_per_s={int(args.jobs / seconds)}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
