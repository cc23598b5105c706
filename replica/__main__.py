"""Serve a replica: `python -m replica --port 8765 --articles 120`."""

import argparse
import signal
import threading

from . import Replica, SiteContent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sections", type=int, default=6)
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--port-file", help="write the chosen port here once listening")
    args = parser.parse_args()
    replica = Replica(SiteContent(args.seed, args.sections, args.articles), port=args.port).start()
    if args.port_file:
        with open(args.port_file, "w") as handle:
            handle.write(str(replica.port))
    print(f"replica serving {len(replica.content.articles)} articles at {replica.base_url}/", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    replica.stop()


if __name__ == "__main__":
    main()
