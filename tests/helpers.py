"""The app served by a real gunicorn (several worker processes), for tests that need them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.web.test_concurrency import Browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Served:
    base: str
    process: subprocess.Popen


@contextmanager
def gunicorn(env: dict[str, str], workers: int, log_dir: Path) -> Iterator[Served]:
    """Start gunicorn on a free port with `env` over os.environ (keys set to None are removed),
    wait until /healthz answers, stop it afterwards. Its log: log_dir/gunicorn.log."""
    port = free_port()
    environment = {**os.environ, **env}
    for key in [k for k, v in environment.items() if v is None]:
        del environment[key]
    executable = Path(sys.executable).with_name("gunicorn")
    with open(log_dir / "gunicorn.log", "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own server and arguments
            [
                str(executable),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "matchmaker:create_app()",
            ],
            env=environment,
            stdout=log,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    Browser(base).get("/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            yield Served(base, process)
        finally:
            process.terminate()
            process.wait(timeout=20)
