"""Benchmark: daily check-ins POSTed by 50 concurrent patients against ``attune serve``.

For each database (SQLite, and PostgreSQL when one answers at ATTUNE_BENCH_POSTGRES_URL,
default postgresql+psycopg://postgres@127.0.0.1:5432/test) it builds a fresh clinic with
one login per client, starts ``attune serve`` in its own process, logs every client in
(bearer tokens), then has each client POST its check-in for today over and over (the
first creates it, the rest replace it, as a patient editing today's check-in does), in
two ways: saturated (each client sends again as soon as it is answered: the throughput)
and paced (each client sends once a second from a random phase, 50 check-ins a second in
all, far above a clinic's day: the latency, counted from when each request was due). It
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
import json
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


class Connection:
    """A minimal HTTP/1.1 keep-alive client over one socket: the bench's own client code
    should cost as little CPU as possible, since it shares the machine with the server."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: dict[str, object], token: str | None) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        data = json.dumps(body).encode()
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{auth}"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        )
        self.writer.write(head.encode() + data)
        status_line = await self.reader.readline()
        length = 0
        while (header := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = header.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length:
            await self.reader.readexactly(length)
        return int(status_line.split()[1])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def load(
    name: str,
    url: str,
    tokens: list[str | None],
    per_client: int,
    seed: int,
    interval: float | None = None,
) -> Result:
    """Each client (one connection each) sends ``per_client`` requests; all at once.

    ``interval`` None: closed loop, each client sends its next request as soon as the last
    is answered (saturation: the throughput). Otherwise each client sends one request
    every ``interval`` seconds from a random phase, and a request's latency counts from
    when it was due, so a slow server cannot hide its queue by delaying the sends.
    """
    latencies: list[float] = []
    errors = 0
    parsed = httpx.URL(url)
    host, port, path = parsed.host, parsed.port or 80, parsed.raw_path.decode()

    async def client(index: int, token: str | None) -> None:
        nonlocal errors
        rng = random.Random(seed + index)
        loop = asyncio.get_running_loop()
        connection = Connection(host, port)
        try:
            await connection.post(path, checkin_body(random.Random(-index)), token)  # warm-up
            warmed.append(index)
            if len(warmed) == len(tokens):
                all_warm.set()
            await ready.wait()
            first = loop.time() + (rng.uniform(0, interval) if interval else 0.0)
            for k in range(per_client):
                body = checkin_body(rng)
                if interval:
                    due = first + k * interval
                    await asyncio.sleep(max(0.0, due - loop.time()))
                else:
                    due = loop.time()
                status = await connection.post(path, body, token)
                latencies.append((loop.time() - due) * 1000)
                if status not in (200, 201):
                    errors += 1
                    if errors == 1:
                        print(f"  first error on {name}: HTTP {status}")
        finally:
            connection.close()

    ready, all_warm, warmed = asyncio.Event(), asyncio.Event(), []
    tasks = [asyncio.create_task(client(i, t)) for i, t in enumerate(tokens)]
    await all_warm.wait()  # every client connected and answered once, not measured
    start = time.perf_counter()
    ready.set()
    await asyncio.gather(*tasks)
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
    name: str, db_url: str, data_dir: Path, args: argparse.Namespace
) -> tuple[Result, Result]:
    """Saturated (closed loop) and paced runs against one ``attune serve``."""
    emails = build_clinic(db_url, args.clients)
    port = free_port()
    env = {
        **os.environ,
        "ATTUNE_DATABASE_URL": db_url,
        "ATTUNE_DATA_DIR": str(data_dir),
        "ATTUNE_DEV_MODE": "true",
        "ATTUNE_PORT": str(port),
    }
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/api/v1/checkins"
    cmd = [sys.executable, "-m", "attune.cli", "serve", "--no-jobs"]
    with serving(cmd, env, f"{base}/login"):
        tokens = log_in(base, emails)
        saturated = asyncio.run(load(name, url, tokens, args.requests, args.seed))
        paced = asyncio.run(
            load(name, url, tokens, args.paced_requests, args.seed + 1, args.interval)
        )
    return saturated, paced


def run_bare(args: argparse.Namespace) -> tuple[Result, Result]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, str(HERE / "bare_app.py"), str(port)]
    tokens: list[str | None] = [None] * args.clients
    with serving(cmd, dict(os.environ), f"{base}/docs"):
        saturated = asyncio.run(
            load("bare endpoint", f"{base}/bare", tokens, args.requests, args.seed)
        )
        paced = asyncio.run(
            load(
                "bare endpoint",
                f"{base}/bare",
                tokens,
                args.paced_requests,
                args.seed + 1,
                args.interval,
            )
        )
    return saturated, paced


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


def line(result: Result) -> str:
    return (
        f"  {result.name:<22} {result.requests:>6} req  {result.errors:>3} errors  "
        f"{result.throughput:8.0f} req/s  p50 {result.pct(50):7.1f} ms  "
        f"p99 {result.pct(99):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="saturated: per client")
    parser.add_argument("--paced-requests", type=int, default=20, help="paced: per client")
    parser.add_argument(
        "--interval", type=float, default=1.0, help="paced: seconds between a client's sends"
    )
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
        f"{args.clients} concurrent clients; {os.cpu_count()} CPUs; load average "
        f"{os.getloadavg()[0]:.2f} at the start"
    )
    runs: list[tuple[Result, Result]] = []
    bare = run_bare(args)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        runs.append(run_attune("attune on SQLite", sqlite_url, Path(tmp), args))
    if not args.no_postgres:
        with postgres_database(args.postgres) as pg_url, tempfile.TemporaryDirectory() as tmp:
            if pg_url is not None:
                runs.append(run_attune("attune on PostgreSQL", pg_url, Path(tmp), args))

    print(
        f"\nSaturated: each client sends its next check-in as soon as the last is answered "
        f"({args.requests} each). Throughput target: at least 40 % of the bare endpoint's."
    )
    print(line(bare[0]))
    for saturated, _ in runs:
        ratio = saturated.throughput / bare[0].throughput
        verdict = "met" if ratio >= 0.4 else "NOT met"
        print(f"{line(saturated)}  {ratio:6.1%} of bare [{verdict}]")
    offered = args.clients / args.interval
    print(
        f"\nPaced: each client sends one check-in every {args.interval:g} s from a random "
        f"phase ({offered:.0f} check-ins/s offered, {args.paced_requests} each); latency "
        "counts from when a request was due. Latency target: p99 under 50 ms."
    )
    print(line(bare[1]))
    for _, paced in runs:
        verdict = "met" if paced.pct(99) < 50 else "NOT met"
        print(f"{line(paced)}  [p99 < 50 ms: {verdict}]")
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
