"""The baseline: a bare Quart app on Hypercorn, configured exactly as `baraza serve` is.

Every Baraza figure is divided by this app's figure from the same run, so the ratio says how
much Baraza's own work costs rather than how busy the machine happened to be.

    python -m bench.baseline_app --host 127.0.0.9 --port 8000
"""

from __future__ import annotations

import argparse

from quart import Quart, Response, request

from baraza.serve import _run_single, hypercorn_config

GET_BODY = (
    b'{"subject":"acct:alice@127.0.0.2:8000","aliases":["http://127.0.0.2:8000/users/alice"],'
    b'"links":[{"rel":"self","type":"application/activity+json",'
    b'"href":"http://127.0.0.2:8000/users/alice"}]}'
)


def create_baseline_app() -> Quart:
    app = Quart(__name__)

    @app.post("/inbox")
    async def inbox() -> Response:
        await request.get_data(cache=False)
        return Response(b"{}", status=202, content_type="application/json")

    @app.get("/get")
    async def get() -> Response:
        return Response(GET_BODY, content_type="application/json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.9")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    _run_single(create_baseline_app(), hypercorn_config(args.host, args.port))


if __name__ == "__main__":
    main()
