"""Benchmark: daily check-ins POSTed by 50 concurrent patients against ``attune serve``.

For each database (SQLite, and PostgreSQL when one answers at ATTUNE_BENCH_POSTGRES_URL,
default postgresql+psycopg://postgres@127.0.0.1:5432/test) it builds a fresh clinic with
one login per client, starts ``attune serve`` in its own process, logs every client in
(bearer tokens), then has each client POST its check-in for today over and over (the
first creates it, the rest replace it, as a patient editing today's check-in does). It
prints p50/p99 latency and throughput, and the same for a bare endpoint of the same
framework (bench/bare_app.py: FastAPI + pydantic + uvicorn, no session, no database)
served the same way and measured in the same run, with the ratio between them.

Targets on a 2-core machine: p99 under 50 ms, and at least 40 % of the bare endpoint's
throughput. The client runs on the same machine and takes CPU from the server, for both
the bare endpoint and Attune alike.

Run with ``uv run python bench/checkin.py`` (``--help`` for the knobs).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

PASSWORD = "bench-password-123"
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: np.ndarray

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early with code {proc.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start within {timeout:.0f} s")


@contextmanager
def serving(cmd: list[str], env: dict[str, str], probe: str) -> Iterator[None]:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(probe, proc)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def build_clinic(url: str, clients: int) -> list[str]:
    """A fresh clinic with one patient login per client; returns their emails."""
    from attune.db.engine import make_engine, make_session_factory
    from attune.db.migrate import upgrade
    from attune.db.uow import SqlUnitOfWork
    from attune.services import users

    upgrade(url)
    engine = make_engine(url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    clinic = users.create_clinic(uow, "Bench clinic")
    emails = []
    for i in range(clients):
        email = f"bench.patient{i}@bench.example.org"
        users.create_patient(
            uow,
            None,
            display_name=f"Bench patient {i}",
            email=email,
            password=PASSWORD,
            clinic_id=clinic.id,
        )
        emails.append(email)
    engine.dispose()
    return emails


def checkin_body(rng: random.Random) -> dict[str, object]:
    used = rng.random() < 0.1
    return {
        "mood": rng.randint(0, 10),
        "stress": rng.randint(0, 10),
        "loneliness": rng.randint(0, 10),
        "craving": rng.randint(0, 10),
        "uses": [{"what": "alcohol", "amount": 3, "unit": "standard_drinks"}] if used else [],
        "triggers": rng.sample(["alone", "conflict", "tired", "bored"], k=rng.randint(0, 2)),
        "coping": rng.sample(["reached_out", "breathwork", "movement"], k=rng.randint(0, 2)),
        "sleep_hours": rng.choice([5.5, 6, 7, 7.5, 8]),
        "sleep_quality": rng.randint(0, 4),
        "safety": "none",
    }


async def load(name: str, url: str, tokens: list[str | None], per_client: int, seed: int) -> Result:
    """Each client sends ``per_client`` requests one after another; all clients at once."""
    latencies: list[float] = []
    errors = 0

    async def client(index: int, token: str | None, http: httpx.AsyncClient) -> None:
        nonlocal errors
        rng = random.Random(seed + index)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for _ in range(per_client):
            body = checkin_body(rng)
            start = time.perf_counter()
            response = await http.post(url, json=body, headers=headers)
            latencies.append((time.perf_counter() - start) * 1000)
            if response.status_code not in (200, 201):
                errors += 1
                if errors == 1:
                    print(f"  first error on {name}: {response.status_code} {response.text[:300]}")

    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        # One warm-up request per client (connections, caches), not measured.
        await asyncio.gather(
            *(
                http.post(url, json=checkin_body(random.Random(i)), headers=_auth(t))
                for i, t in enumerate(tokens)
            )
        )
        start = time.perf_counter()
        await asyncio.gather(*(client(i, t, http) for i, t in enumerate(tokens)))
        seconds = time.perf_counter() - start
    return Result(name, len(latencies), errors, seconds, np.array(latencies))


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def log_in(base: str, emails: list[str]) -> list[str | None]:
    tokens: list[str | None] = []
    with httpx.Client(base_url=base, timeout=30) as http:
        for email in emails:
            response = http.post("/api/v1/session", json={"email": email, "password": PASSWORD})
            response.raise_for_status()
            tokens.append(response.json()["token"])
    return tokens


def run_attune(
    name: str, db_url: str, data_dir: Path, clients: int, per_client: int, seed: int
) -> Result:
    emails = build_clinic(db_url, clients)
    port = free_port()
    env = {
        **os.environ,
        "ATTUNE_DATABASE_URL": db_url,
        "ATTUNE_DATA_DIR": str(data_dir),
        "ATTUNE_DEV_MODE": "true",
        "ATTUNE_PORT": str(port),
    }
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "attune.cli", "serve", "--no-jobs"]
    with serving(cmd, env, f"{base}/login"):
        tokens = log_in(base, emails)
        return asyncio.run(load(name, f"{base}/api/v1/checkins", tokens, per_client, seed))


def run_bare(clients: int, per_client: int, seed: int) -> Result:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, str(HERE / "bare_app.py"), str(port)]
    with serving(cmd, dict(os.environ), f"{base}/docs"):
        return asyncio.run(load("bare", f"{base}/bare", [None] * clients, per_client, seed))


@contextmanager
def postgres_database(server_url: str) -> Iterator[str | None]:
    """A fresh database on the server, dropped afterwards; None when none answers."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    name = f"attune_bench_{uuid.uuid4().hex[:8]}"
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable at {server_url}: {exc}".splitlines()[0])
        yield None
        return
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(result: Result, bare: Result) -> None:
    ratio = result.throughput / bare.throughput
    p99 = result.pct(99)
    print(
        f"  {result.name:<22} {result.requests:>6} req  {result.errors:>3} errors  "
        f"{result.throughput:8.0f} req/s  p50 {result.pct(50):6.1f} ms  p99 {p99:6.1f} ms  "
        f"{ratio:6.1%} of bare  [p99 < 50 ms: {'met' if p99 < 50 else 'NOT met'}; "
        f"≥ 40 % of bare: {'met' if ratio >= 0.4 else 'NOT met'}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="requests per client")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "ATTUNE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    print(
        f"{args.clients} concurrent clients × {args.requests} check-ins each; {os.cpu_count()} CPUs"
    )
    bare = run_bare(args.clients, args.requests, args.seed)
    print(
        f"  {'bare endpoint':<22} {bare.requests:>6} req  {bare.errors:>3} errors  "
        f"{bare.throughput:8.0f} req/s  p50 {bare.pct(50):6.1f} ms  p99 {bare.pct(99):6.1f} ms"
    )
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        result = run_attune(
            "attune on SQLite", sqlite_url, Path(tmp), args.clients, args.requests, args.seed
        )
        report(result, bare)
    if not args.no_postgres:
        with postgres_database(args.postgres) as pg_url, tempfile.TemporaryDirectory() as tmp:
            if pg_url is not None:
                result = run_attune(
                    "attune on PostgreSQL",
                    pg_url,
                    Path(tmp),
                    args.clients,
                    args.requests,
                    args.seed,
                )
                report(result, bare)


if __name__ == "__main__":
    main()
