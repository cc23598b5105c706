"""Helpers shared by the benchmarks: servers, subprocess crawls, peak memory of a process tree."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}"


def browser(configured: str | None = None) -> str:
    """The Chromium that renders use (NEWS_CHROMIUM_PATH, else the default), and its version."""
    from newscrawler.rendering import chromium_path

    path = chromium_path(configured)
    if not path:
        return "Playwright's own Chromium"
    try:
        version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        version = "version unknown"
    return f"{path} ({version or 'version unknown'})"


class ProcessTreeSampler:
    """Samples the RSS of a process and all its descendants (Playwright driver, Chromium), and the
    CPU time each of them used (the last sample of each process, short-lived ones included)."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval = pid, interval
        self.crawler_peak = self.browser_peak = self.total_peak = 0
        self.cpu_seconds: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                processes = [root] + root.children(recursive=True)
                rss = {}
                for process in processes:
                    try:
                        rss[process.pid] = process.memory_info().rss
                        times = process.cpu_times()
                        self.cpu_seconds[process.pid] = times.user + times.system
                    except psutil.Error:
                        pass  # ended between the listing and the sample
                crawler = rss.get(self.pid, 0)
                browser = sum(v for pid, v in rss.items() if pid != self.pid)
                self.crawler_peak = max(self.crawler_peak, crawler)
                self.browser_peak = max(self.browser_peak, browser)
                self.total_peak = max(self.total_peak, crawler + browser)
            except psutil.Error:
                pass
            time.sleep(self.interval)


def run_measured(command: list[str], env: dict | None = None) -> dict:
    """Run a command; wall time and peak RSS (MiB) of its process tree."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with ProcessTreeSampler(process.pid) as sampled:
        _, stderr = process.communicate()
    if process.returncode:
        raise RuntimeError(f"{command[:3]} failed: {stderr[-2000:]}")
    return {"wall_s": round(time.monotonic() - started, 2), "rss_crawler_mib": round(sampled.crawler_peak / 2**20),
            "rss_browser_mib": round(sampled.browser_peak / 2**20), "rss_total_mib": round(sampled.total_peak / 2**20),
            "cpu_s": round(sum(sampled.cpu_seconds.values()), 1)}


def save(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=1, default=str) + "\n")
    return path
