"""Serving benchmark: latency and throughput of ``/v1/suggestions``, model swap under load, and
audit write throughput on SQLite and PostgreSQL.

Usage::

    python benchmarks/serve.py [--home PROJECT] [--seconds 8] [--clients 1 4 16]
                               [--audit-events 2000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432]

With ``--home`` the benchmark serves that project's champion (a trained model: the figures then
include model inference) and swaps to ``--swap-to`` (default: the champion's previous version).
Without it, it builds a throwaway project with a keyword stand-in model, so the figures measure
the API itself: authentication, validation, audit append, review-store write, JSON. Each level
runs real uvicorn on loopback with ``N`` client threads for ``--seconds``; the 1-client run is
the baseline the other levels are compared with. During the last level the champion alias moves
to another version; the error count must stay 0.

Prints the load average with the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

NOTE = (
    "Discharge summary. Known hypertension, on treatment, stable. Type 2 diabetes mellitus "
    "without complications; diet reviewed. No chest pain."
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _client_loop(url: str, token: str, until: float, out: dict, lock: threading.Lock) -> None:
    import httpx

    latencies, versions, errors = [], [], 0
    with httpx.Client(timeout=60, headers={"Authorization": f"Bearer {token}"}) as http:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                response = http.post(url, json={"text": NOTE, "note_type": "discharge summary"})
                response.raise_for_status()
                versions.append(response.json()["model_version"])
                latencies.append(time.perf_counter() - started)
            except httpx.HTTPError:
                errors += 1
    with lock:
        out["latencies"] += latencies
        out["versions"] += versions
        out["errors"] += errors


def run_level(url: str, token: str, clients: int, seconds: float, swap=None) -> dict:
    """``clients`` threads posting notes for ``seconds``; ``swap`` is called halfway."""
    out, lock = {"latencies": [], "versions": [], "errors": 0}, threading.Lock()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client_loop, args=(url, token, until, out, lock))
        for _ in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    if swap is not None:
        time.sleep(seconds / 2)
        swap()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    lat = sorted(out["latencies"])
    return {
        "clients": clients,
        "requests": len(lat),
        "errors": out["errors"],
        "p50_ms": 1000 * statistics.median(lat) if lat else None,
        "p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))] if lat else None,
        "throughput_rps": len(lat) / elapsed,
        "versions": sorted(set(out["versions"])),
    }


def _throwaway_project(root: Path):
    from serving_fixtures import register, serving_params

    from clinicode.config import Workspace

    workspace = Workspace(root).ensure()
    register(workspace, {"hypertension": "I10", "diabetes": "E11.9"})
    spare = register(workspace, {"hypertension": "I10", "diabetes": "E11.9"}, alias=False)
    params = serving_params(alias_poll_s=0.5, max_note_chars=100_000, max_body_bytes=2_000_000)
    return workspace, params, spare


def serve_benchmark(args: argparse.Namespace, tmp: Path) -> list[dict]:
    """Run every concurrency level; the last one with the alias switch."""
    from clinicode.config import Workspace, load_params
    from clinicode.stages import access_store, with_overrides
    from clinicode.tracking import mlflow_client
    from governance.registry import PREVIOUS_CHAMPION, champion_version
    from serving.app import create_app, running_server

    if args.home:
        workspace = Workspace(args.home)
        params = with_overrides(load_params(args.params), serve={"alias_poll_s": 0.5})
        name = params.train.registered_model
        champion = champion_version(mlflow_client(workspace), name, params.promote.alias)
        tags = mlflow_client(workspace).get_model_version(name, champion).tags
        spare = args.swap_to or tags.get(PREVIOUS_CHAMPION) or champion
    else:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
        workspace, params, spare = _throwaway_project(tmp / "project")
    token = access_store(workspace).add_user(f"bench-{uuid.uuid4().hex[:8]}", "coder")
    app = create_app(params, workspace, allow_demo_key=params.assemble.source == "synthetic")

    def swap() -> None:
        mlflow_client(workspace).set_registered_model_alias(
            params.train.registered_model, params.promote.alias, spare
        )

    results = []
    with running_server(app, "127.0.0.1", _free_port()) as base:
        url = f"{base}/v1/suggestions"
        run_level(url, token, 1, 1.0)  # warm-up: first request loads caches
        for index, clients in enumerate(args.clients):
            last = index == len(args.clients) - 1
            results.append(run_level(url, token, clients, args.seconds, swap if last else None))
    return results


def audit_benchmark(url: str, n: int) -> float:
    """Events per second appended by one writer to the audit log at ``url``."""
    from governance.audit import AuditLog

    log = AuditLog(url)
    started = time.perf_counter()
    for i in range(n):
        log.append("prediction", "E", "bench", "coder",
                   {"note_sha256": f"{i:064x}", "model": "m", "version": "1",
                    "suggested_codes": ["I10", "E11.9"]})  # fmt: skip
    rate = n / (time.perf_counter() - started)
    if not log.verify().ok:
        raise RuntimeError("audit chain broken during the benchmark")
    log.close()
    return rate


def _postgres_rate(server: str, n: int) -> float | None:
    from sqlalchemy import create_engine, text

    name = f"clinicode_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - report and go on without PostgreSQL
        print(f"PostgreSQL unavailable ({type(exc).__name__}); skipped")
        return None
    try:
        return audit_benchmark(f"{server}/{name}", n)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _print(results: list[dict], sqlite_rate: float, pg_rate: float | None) -> None:
    base = results[0]
    print(f"load average (1, 5, 15 min): {os.getloadavg()}; cpus: {os.cpu_count()}")
    print(f"{'clients':>7} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'req/s':>8} {'x 1-client':>10}  versions")  # fmt: skip
    for r in results:
        ratio = r["throughput_rps"] / base["throughput_rps"] if base["throughput_rps"] else 0
        print(f"{r['clients']:>7} {r['requests']:>8} {r['errors']:>6} {r['p50_ms']:>8.1f} "
              f"{r['p95_ms']:>8.1f} {r['throughput_rps']:>8.1f} {ratio:>10.2f}  "
              f"{','.join(r['versions'])}")  # fmt: skip
    swapped = results[-1]
    verdict = "MET" if swapped["errors"] == 0 and len(swapped["versions"]) > 1 else "NOT MET"
    print(f"alias switch at {swapped['clients']} clients: {swapped['errors']} errors, versions "
          f"served {swapped['versions']} -> target 0 errors {verdict}")  # fmt: skip
    print(f"audit append, SQLite: {sqlite_rate:.0f} events/s")
    if pg_rate is not None:
        print(f"audit append, PostgreSQL: {pg_rate:.0f} events/s "
              f"({pg_rate / sqlite_rate:.2f} x SQLite)")  # fmt: skip


def main() -> None:
    """Parse the flags, run the benchmarks, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", help="project whose champion is served (default: stand-in)")
    parser.add_argument("--params", help="params.yaml of --home")
    parser.add_argument("--swap-to", help="version the alias moves to mid-run (with --home)")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--audit-events", type=int, default=2000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault("CLINICODE_TORCH_THREADS", "1")
    with tempfile.TemporaryDirectory(prefix="clinicode-serve-bench-") as tmp:
        results = serve_benchmark(args, Path(tmp))
        sqlite_rate = audit_benchmark(f"sqlite:///{tmp}/audit-bench.db", args.audit_events)
    pg_rate = _postgres_rate(args.pg, args.audit_events) if args.pg else None
    _print(results, sqlite_rate, pg_rate)


if __name__ == "__main__":
    main()
