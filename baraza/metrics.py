"""Prometheus metrics at `/metrics`, behind a bearer token (`BARAZA_METRICS_TOKEN`).

Counters live in this process (each web or worker process exposes its own, as Prometheus
expects); queue depth is read from the database at scrape time, so it is the same everywhere.
Without a configured token the endpoint does not exist (404): metrics name remote hosts.
"""

from __future__ import annotations

import hmac
import os
from collections import Counter
from dataclasses import dataclass, field

from quart import Blueprint, Response, request

from federation.errors import NotFound, Unauthorized
from storage.models import Delivery

blueprint = Blueprint("metrics", __name__)

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass
class Registry:
    inbox: Counter[tuple[str, str]] = field(default_factory=Counter)  # (outcome, reason)
    delivery_failures: Counter[str] = field(default_factory=Counter)  # host
    latency_buckets: Counter[float] = field(default_factory=Counter)
    latency_sum: float = 0.0
    latency_count: int = 0

    def inbox_outcome(self, status: int, reason: str = "") -> None:
        outcome = "accepted" if status < 300 else "refused"
        self.inbox[(outcome, reason if outcome == "refused" else "")] += 1

    def delivery(self, host: str, seconds: float, ok: bool) -> None:
        if not ok:
            self.delivery_failures[host] += 1
        self.latency_sum += seconds
        self.latency_count += 1
        for bound in LATENCY_BUCKETS:
            if seconds <= bound:
                self.latency_buckets[bound] += 1


REGISTRY = Registry()


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render(registry: Registry, queue: dict[str, int]) -> str:
    """The text exposition format; pure, so its shape is tested."""
    lines = [
        "# HELP baraza_inbox_requests_total Inbox POSTs by outcome and refusal reason.",
        "# TYPE baraza_inbox_requests_total counter",
    ]
    for (outcome, reason), count in sorted(registry.inbox.items()):
        lines.append(
            f'baraza_inbox_requests_total{{outcome="{outcome}",reason="{_escape(reason)}"}} {count}'
        )
    lines += [
        "# HELP baraza_delivery_queue Delivery rows by state.",
        "# TYPE baraza_delivery_queue gauge",
    ]
    lines += [f'baraza_delivery_queue{{state="{s}"}} {n}' for s, n in sorted(queue.items())]
    lines += [
        "# HELP baraza_delivery_failures_total Failed delivery attempts by host.",
        "# TYPE baraza_delivery_failures_total counter",
    ]
    lines += [
        f'baraza_delivery_failures_total{{host="{_escape(h)}"}} {n}'
        for h, n in sorted(registry.delivery_failures.items())
    ]
    lines += [
        "# HELP baraza_delivery_seconds Time to POST one delivery.",
        "# TYPE baraza_delivery_seconds histogram",
    ]
    running = 0
    for bound in LATENCY_BUCKETS:
        running = registry.latency_buckets[bound]
        lines.append(f'baraza_delivery_seconds_bucket{{le="{bound}"}} {running}')
    lines.append(f'baraza_delivery_seconds_bucket{{le="+Inf"}} {registry.latency_count}')
    lines.append(f"baraza_delivery_seconds_sum {registry.latency_sum:.6f}")
    lines.append(f"baraza_delivery_seconds_count {registry.latency_count}")
    return "\n".join(lines) + "\n"


@blueprint.get("/metrics")
async def metrics() -> Response:
    expected = os.environ.get("BARAZA_METRICS_TOKEN", "")
    if not expected:
        raise NotFound("not found")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("a valid metrics token is required")
    queue: dict[str, int] = {}
    for state in ("queued", "sending", "delivered", "failed", "cancelled"):
        queue[state] = await Delivery.filter(state=state).count()
    return Response(render(REGISTRY, queue), content_type="text/plain; version=0.0.4")
