"""Serve a replica: `python -m replica --port 8765 --articles 120`; the app mode with its flashes, publishing
in real time, ten times faster than the real site: `python -m replica --mode app --publish --speed 10`."""

import argparse
import signal
import threading

from . import Replica, SiteContent
from .app import AppReplica, app_editions
from .flashes import flash_editions
from .publishing import PublishPlan
from .server import COMPRESSIONS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sections", type=int, default=6)
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--port-file", help="write the chosen port here once listening")
    parser.add_argument("--mode", choices=("classic", "app"), default="classic",
                        help="classic: server-rendered pages; app: the real site's shape (app shell + JSON API)")
    parser.add_argument("--api-port", type=int, default=0, help="app mode: the API's port (0 picks a free one)")
    parser.add_argument("--build", default="a1", help="app mode: the build id that class hashes derive from")
    parser.add_argument("--compression", choices=COMPRESSIONS, default="auto",
                        help="auto: as the client accepts (br, gzip); off; or one coding sent whatever was asked")
    parser.add_argument("--front", action="store_true",
                        help="serve through a real nginx (gzip and brotli, chunked), the replica behind it")
    parser.add_argument("--flashes", type=int, default=20, help="app mode: flashes of each edition at the start")
    parser.add_argument("--publish", action="store_true",
                        help="app mode: keep publishing flashes and articles in real time (bursts, corrections, "
                             "removals, 429 windows), as the real site does")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="with --publish: how much faster than the real site (60: a site-minute a second)")
    parser.add_argument("--publish-hours", type=float, default=24.0,
                        help="with --publish: real hours published ahead (then the site stands still)")
    args = parser.parse_args()
    if args.mode == "app":
        editions = app_editions(args.seed, args.sections, args.articles)
        plan = PublishPlan(speed=args.speed, hours=args.publish_hours, seed=args.seed) if args.publish else None
        replica = AppReplica(editions, build=args.build, port=args.port, api_port=args.api_port,
                             compression=args.compression, front=args.front, publish=plan,
                             flashes=flash_editions(args.seed, args.flashes, editions=tuple(editions))).start()
        total = sum(len(c.articles) for c in replica.site.editions.values())
        described = (f"{total} articles and {2 * args.flashes} flashes (editions en, ko) at {replica.base_url}/ "
                     f"with its API at {replica.api_url}" + (f", publishing at {args.speed:g}x" if plan else ""))
    else:
        replica = Replica(SiteContent(args.seed, args.sections, args.articles), port=args.port,
                          compression=args.compression, front=args.front).start()
        described = f"{len(replica.content.articles)} articles at {replica.base_url}/"
    if args.port_file:
        with open(args.port_file, "w") as handle:
            handle.write(str(replica.port) if args.mode == "classic" else f"{replica.port} {replica.api_port}")
    print(f"replica serving {described}", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    replica.stop()


if __name__ == "__main__":
    main()
