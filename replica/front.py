"""A real front server before the replica: Debian's nginx with the config in `nginx/front.conf`.

Real news sites answer through nginx or a CDN: compressed, chunked, keep-alive. `NginxFront` starts
nginx on free loopback ports, one per origin it fronts, and stops it; the replica (both modes) then
names the front's ports in its links, so a crawler meets nothing but the front.

    front = NginxFront({front_port: origin_port}).start()
    ...
    front.stop()
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

TEMPLATE = Path(__file__).parent / "nginx" / "front.conf"
MODULES_DIR = Path("/usr/lib/nginx/modules")
BROTLI_MODULE = MODULES_DIR / "ngx_http_brotli_filter_module.so"
TEXT_TYPES = ("text/plain text/css text/xml application/xml application/json application/javascript "
              "application/rss+xml application/atom+xml application/xhtml+xml")


class FrontUnavailable(RuntimeError):
    """nginx is not installed here (`make install` installs it), or would not start."""


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
    if not found:
        raise FrontUnavailable("nginx is not installed: run `make install` (Debian packages nginx and "
                               "libnginx-mod-http-brotli-filter)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_block(number: int, front_port: int, origin_port: int, location_extra: str) -> str:
    return f"""    upstream origin_{number} {{
        server 127.0.0.1:{origin_port};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{front_port};
        location / {{
            proxy_pass http://origin_{number};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            # The origin answers plain; the front compresses (and so answers chunked).
            proxy_set_header Accept-Encoding "";
            {location_extra}
        }}
    }}
"""


class NginxFront:
    """nginx in front of one or more origins: `routes` maps each front port to its origin's port.

    `http_extra` goes into the `http` block (a `limit_req_zone`, say) and `location_extra` into every
    `location` (a `limit_req`); `brotli=False` leaves the brotli module out even where installed.
    """

    def __init__(self, routes: dict[int, int], http_extra: str = "", location_extra: str = "",
                 brotli: bool = True):
        self.routes = dict(routes)
        self.http_extra = http_extra
        self.location_extra = location_extra
        self.brotli = brotli and BROTLI_MODULE.exists()
        self.dir = Path(tempfile.mkdtemp(prefix="replica-nginx-"))
        self.process: subprocess.Popen | None = None

    @property
    def access_log(self) -> Path:
        return self.dir / "access.log"

    def config(self) -> str:
        fields = {
            "USER": "user root;" if os.geteuid() == 0 else "",
            "MODULES": f"load_module {BROTLI_MODULE};" if self.brotli else "",
            "DIR": str(self.dir),
            "BROTLI": (f"brotli on;\n    brotli_comp_level 4;\n    brotli_min_length 256;\n"
                       f"    brotli_types {TEXT_TYPES};") if self.brotli else "",
            "HTTP_EXTRA": self.http_extra,
            "SERVERS": "".join(server_block(n, front, origin, self.location_extra)
                               for n, (front, origin) in enumerate(self.routes.items())),
        }
        text = TEMPLATE.read_text()
        for name, value in fields.items():
            text = text.replace(f"@@{name}@@", value)
        return text

    def start(self) -> "NginxFront":
        binary = nginx_binary()
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        conf = self.dir / "nginx.conf"
        conf.write_text(self.config())
        self.process = subprocess.Popen([binary, "-p", str(self.dir), "-c", str(conf), "-e", str(self.dir / "error.log")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            for port in self.routes:
                self.wait_for(port)
        except FrontUnavailable:
            self.stop()
            raise
        return self

    def wait_for(self, port: int, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                errors = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                log = (self.dir / "error.log").read_text(errors="replace") if (self.dir / "error.log").exists() else ""
                raise FrontUnavailable(f"nginx exited ({self.process.returncode}): {errors or log}".strip())
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.05)
        raise FrontUnavailable(f"nginx did not listen on 127.0.0.1:{port} within {timeout:g} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # nginx's fast shutdown
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stderr:
            self.process.stderr.close()
        self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def answers(self) -> list[dict]:
        """Every answer the front gave so far, oldest first (its access log)."""
        if not self.access_log.exists():
            return []
        return [json.loads(line) for line in self.access_log.read_text().splitlines() if line.strip()]

    def encodings(self) -> dict[str, int]:
        """How many answers went out in each content coding (`identity`: uncompressed)."""
        counts: dict[str, int] = {}
        for answer in self.answers():
            coding = answer.get("encoding") or "identity"
            counts[coding] = counts.get(coding, 0) + 1
        return counts

    def __enter__(self) -> "NginxFront":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
