"""A LibreTranslate-compatible server for tests: a real HTTP process with a visible transform.

`python -m tests.clientapi.fake_libretranslate --port N` answers `POST /translate` with
`[source->target] <q>` (HTML untouched inside), `GET /languages` with en/fr/ar/de/pt, and
`GET /calls` with how many translations it served, so a test can tell a cache hit from a call.
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

LANGUAGES = ["en", "fr", "ar", "de", "pt"]
CALLS = {"translate": 0}
LOCK = threading.Lock()


def transform(text: str, source: str, target: str) -> str:
    return f"[{source}->{target}] {text}"


class Handler(BaseHTTPRequestHandler):
    def _send(self, status: int, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/languages":
            targets = LANGUAGES
            self._send(200, [{"code": c, "name": c, "targets": targets} for c in LANGUAGES])
        elif self.path == "/calls":
            self._send(200, dict(CALLS))
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        if self.path != "/translate":
            self._send(404, {"error": "not found"})
            return
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            form = json.loads(raw)
        else:
            form = {k: v[0] for k, v in parse_qs(raw).items()}
        q, source, target = form.get("q"), form.get("source", "auto"), form.get("target")
        if target not in LANGUAGES or form.get("format") != "html" or q is None:
            self._send(400, {"error": "bad request"})
            return
        with LOCK:
            CALLS["translate"] += 1
        detected = "fr" if source == "auto" else source
        texts = q if isinstance(q, list) else [q]
        out = [transform(t, detected, target) for t in texts]
        payload: dict[str, object] = {"translatedText": out if isinstance(q, list) else out[0]}
        if source == "auto":
            payload["detectedLanguage"] = {"confidence": 90.0, "language": detected}
        self._send(200, payload)

    def log_message(self, format: str, *args: object) -> None:
        return


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
