"""The benchmark in one command: generate the world, measure the pages, load the server.

    .venv/bin/python bench/run.py --scale full     # Flanders: ~25 min to generate, ~5 min to run
    .venv/bin/python bench/run.py --scale small    # a quick check, two to three minutes
    .venv/bin/python bench/run.py --scale small --check   # CI: query counts and plans only

``--reuse`` keeps an existing benchmark database (generation is the slow part);
``--no-load`` skips the gunicorn load test. At full scale the results are
written to docs/benchmarks.md; at small scale they are only printed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not found:
        return False
    with psycopg.connect(f"{SERVER}/{name}") as conn:
        return bool(
            conn.execute("SELECT to_regclass('referrals_referral') IS NOT NULL").fetchone()[0]
        )


def step(*args: str) -> None:
    print("$", " ".join(args), flush=True)
    subprocess.run([sys.executable, *args], check=True)  # noqa: S603 - the bench scripts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["full", "small"], default="small")
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load test")
    parser.add_argument(
        "--check",
        action="store_true",
        help="CI: check query counts and plans only (no timing, no load test)",
    )
    args = parser.parse_args()
    database = "lac_bench" if args.scale == "full" else "lac_bench_small"
    if not (args.reuse and database_exists(database)):
        step(str(HERE / "generate.py"), "--scale", args.scale)
    else:
        # The database may predate a new migration (an index, say): apply it first.
        env = {**os.environ, "DATABASE_URL": f"{SERVER}/{database}"}
        print(f"$ manage.py migrate  (reusing {database})", flush=True)
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, str(HERE.parent / "manage.py"), "migrate", "-v0", "--skip-checks"],
            check=True,
            env=env,
        )
    if args.check:
        step(str(HERE / "measure.py"), "--scale", args.scale, "--check")
        return
    step(str(HERE / "measure.py"), "--scale", args.scale)
    if not args.no_load:
        seconds = "60" if args.scale == "full" else "5"
        step(str(HERE / "loadtest.py"), "--scale", args.scale, "--seconds", seconds)


if __name__ == "__main__":
    main()
