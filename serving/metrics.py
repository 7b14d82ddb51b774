"""Prometheus-style request metrics of the API: counts, errors and latency per route.

Written out in the Prometheus text exposition format (version 0.0.4) by :meth:`Metrics.render`,
so any Prometheus server can scrape ``/metrics``. Labels are the route template (``/v1/cases/
{case_id}/review``), never the filled-in path: a case reference must not reach the metrics.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import defaultdict

# Latency buckets in seconds: suggestion calls take tens to hundreds of milliseconds on CPU.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Thread-safe counters and a latency histogram per (method, route)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, str], int] = defaultdict(int)
        self._buckets: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
        self._sum: dict[tuple[str, str], float] = defaultdict(float)
        self._count: dict[tuple[str, str], int] = defaultdict(int)
        self._suggested = 0
        self._swaps = 0

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one finished request and its latency."""
        key = (method, route)
        with self._lock:
            self._requests[(method, route, str(status))] += 1
            index = bisect_left(BUCKETS, seconds)
            counts = self._buckets[key]
            for i in range(index, len(BUCKETS)):
                counts[i] += 1
            self._sum[key] += seconds
            self._count[key] += 1

    def count_suggestions(self, n: int) -> None:
        """Add ``n`` suggested codes to the running total."""
        with self._lock:
            self._suggested += n

    def count_swap(self) -> None:
        """Count one switch of the served model version."""
        with self._lock:
            self._swaps += 1

    def requests(self, status_prefix: str = "") -> int:
        """Requests counted so far whose status starts with ``status_prefix`` (e.g. ``"5"``)."""
        with self._lock:
            return sum(n for (_, _, s), n in self._requests.items() if s.startswith(status_prefix))

    def render(self, model_version: str | None) -> str:
        """The metrics in Prometheus text format."""
        with self._lock:
            lines = [
                "# HELP clinicode_requests_total HTTP requests by method, route and status.",
                "# TYPE clinicode_requests_total counter",
            ]
            for (method, route, status), n in sorted(self._requests.items()):
                labels = f'method="{method}",route="{route}",status="{status}"'
                lines.append(f"clinicode_requests_total{{{labels}}} {n}")
            lines += self._render_errors()
            lines += self._render_latency()
            lines += [
                "# HELP clinicode_suggested_codes_total Codes suggested to coders.",
                "# TYPE clinicode_suggested_codes_total counter",
                f"clinicode_suggested_codes_total {self._suggested}",
                "# HELP clinicode_model_swaps_total Switches of the served model version.",
                "# TYPE clinicode_model_swaps_total counter",
                f"clinicode_model_swaps_total {self._swaps}",
                "# HELP clinicode_model_info The model version being served.",
                "# TYPE clinicode_model_info gauge",
                f'clinicode_model_info{{version="{model_version or ""}"}} 1',
            ]
        return "\n".join(lines) + "\n"

    def _render_errors(self) -> list[str]:
        errors: dict[tuple[str, str], int] = defaultdict(int)
        for (method, route, status), n in self._requests.items():
            if status[0] in "45":
                errors[(method, route)] += n
        lines = [
            "# HELP clinicode_request_errors_total Requests answered with a 4xx or 5xx status.",
            "# TYPE clinicode_request_errors_total counter",
        ]
        for (method, route), n in sorted(errors.items()):
            lines.append(f'clinicode_request_errors_total{{method="{method}",route="{route}"}} {n}')
        return lines

    def _render_latency(self) -> list[str]:
        lines = [
            "# HELP clinicode_request_seconds Request latency in seconds.",
            "# TYPE clinicode_request_seconds histogram",
        ]
        for (method, route), counts in sorted(self._buckets.items()):
            labels = f'method="{method}",route="{route}"'
            for bound, n in zip(BUCKETS, counts, strict=True):
                lines.append(f'clinicode_request_seconds_bucket{{{labels},le="{bound}"}} {n}')
            total = self._count[(method, route)]
            lines.append(f'clinicode_request_seconds_bucket{{{labels},le="+Inf"}} {total}')
            lines.append(f"clinicode_request_seconds_sum{{{labels}}} {self._sum[(method, route)]}")
            lines.append(f"clinicode_request_seconds_count{{{labels}}} {total}")
        return lines
