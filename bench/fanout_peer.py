"""One process standing in for 1,000 remote servers: the same aiohttp app on many loopback
addresses, counting POSTs per Host, with a control address for the benchmark to read counts.

    python -m bench.fanout_peer --hosts 1000 --port P --control 127.0.0.6:Q
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter

from aiohttp import web


def host_address(n: int) -> str:
    """The n-th remote host's address: 127.0.1.1 … 127.0.1.250, 127.0.2.1 …"""
    return f"127.0.{1 + n // 250}.{n % 250 + 1}"


async def serve(hosts: int, port: int, control: str) -> None:
    posts: Counter[str] = Counter()

    async def inbox(request: web.Request) -> web.Response:
        await request.read()
        posts[request.host] += 1
        return web.Response(status=202)

    async def count(_request: web.Request) -> web.Response:
        return web.json_response({"posts": sum(posts.values()), "hosts": len(posts)})

    async def reset(_request: web.Request) -> web.Response:
        posts.clear()
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/{tail:.*}", inbox)
    control_app = web.Application()
    control_app.router.add_get("/count", count)
    control_app.router.add_post("/reset", reset)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for n in range(hosts):
        await web.TCPSite(runner, host_address(n), port, backlog=64).start()
    control_runner = web.AppRunner(control_app, access_log=None)
    await control_runner.setup()
    chost, cport = control.rsplit(":", 1)
    await web.TCPSite(control_runner, chost, int(cport)).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--control", required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.hosts, args.port, args.control))


if __name__ == "__main__":
    main()
