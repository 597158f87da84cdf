"""/metrics: hidden without a token, refused with a wrong one, and counting what happens."""

from __future__ import annotations

import pytest

from baraza.metrics import REGISTRY, Registry, render
from tests.inbox.signed import body_of, remote_peer


def test_render_is_prometheus_text() -> None:
    registry = Registry()
    registry.inbox_outcome(202)
    registry.inbox_outcome(401, "BadSignature")
    registry.delivery("a.example", 0.2, ok=True)
    registry.delivery("b.example", 3.0, ok=False)
    text = render(registry, {"queued": 3, "delivered": 7})
    assert 'baraza_inbox_requests_total{outcome="accepted",reason=""} 1' in text
    assert 'baraza_inbox_requests_total{outcome="refused",reason="BadSignature"} 1' in text
    assert 'baraza_delivery_queue{state="queued"} 3' in text
    assert 'baraza_delivery_failures_total{host="b.example"} 1' in text
    assert 'baraza_delivery_seconds_bucket{le="0.25"} 1' in text
    assert 'baraza_delivery_seconds_bucket{le="+Inf"} 2' in text
    assert "baraza_delivery_seconds_count 2" in text


async def test_metrics_need_their_token(app, client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BARAZA_METRICS_TOKEN", raising=False)
    assert (await client.get("/metrics")).status_code == 404
    monkeypatch.setenv("BARAZA_METRICS_TOKEN", "s3cret")
    assert (await client.get("/metrics")).status_code == 401
    assert (
        await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    ).status_code == 401
    ok = await client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    assert "baraza_delivery_queue" in await ok.get_data(as_text=True)


async def test_inbox_refusals_are_counted(app, client) -> None:
    before = REGISTRY.inbox[("refused", "BadSignature")]
    await remote_peer()
    body = body_of(
        {
            "id": "https://remote.example/a/1",
            "type": "Like",
            "actor": "https://remote.example/users/rita",
            "object": "https://x/y",
        }
    )
    response = await client.post(
        "/inbox", data=body, headers={"Content-Type": "application/activity+json"}
    )
    assert response.status_code == 401
    assert REGISTRY.inbox[("refused", "BadSignature")] == before + 1
