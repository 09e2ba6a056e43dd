"""Time bringing a populated database from an older schema to the newest one.

Takes the database back to `--from` (each migration's downgrade), then times
`conversations.db.migrate` up to the newest revision: the backfills and index builds an
upgrade runs on existing data. Use it on a benchmark database (bench/report_scale.py),
not on one you care about: the downgrade drops what the newer migrations added.

    .venv/bin/python bench/migration_time.py sqlite+aiosqlite:////tmp/carebot_bench.db --from 0007
"""

from __future__ import annotations

import argparse
import asyncio
import time

from conversations.db import create_engine, current_revision, downgrade, migrate


async def main_async(url: str, start: str) -> None:
    engine = create_engine(url)
    try:
        await downgrade(engine, start)
        before = await current_revision(engine)
        t0 = time.perf_counter()
        await migrate(engine)
        seconds = time.perf_counter() - t0
        print(f"{before} -> {await current_revision(engine)} in {seconds:.1f} s")
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url", help="database URL, e.g. sqlite+aiosqlite:////tmp/carebot_bench.db")
    parser.add_argument("--from", dest="start", default="0007", help="revision to start from")
    args = parser.parse_args()
    asyncio.run(main_async(args.url, args.start))


if __name__ == "__main__":
    main()
