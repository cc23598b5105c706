"""Serve a replica: `python -m replica --port 8765 --articles 120`."""

import argparse
import signal
import threading

from . import Replica, SiteContent
from .app import AppReplica, app_editions
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
    args = parser.parse_args()
    if args.mode == "app":
        replica = AppReplica(app_editions(args.seed, args.sections, args.articles), build=args.build,
                             port=args.port, api_port=args.api_port, compression=args.compression,
                             front=args.front).start()
        total = sum(len(c.articles) for c in replica.site.editions.values())
        described = f"{total} articles (editions en, ko) at {replica.base_url}/ with its API at {replica.api_url}"
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
