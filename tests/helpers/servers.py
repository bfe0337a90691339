"""A browser without a browser (cookies kept, redirects not followed), and a real gunicorn."""

from __future__ import annotations

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import CSRF_RE, PASSWORD


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept, redirects not followed: a form-posting client for real servers."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def login(self, email: str) -> str:
        token = CSRF_RE.search(self.get("/auth/login")).group(1)
        assert (
            self.post("/auth/login", {"email": email, "password": PASSWORD, "csrf_token": token})
            == 302
        )
        return CSRF_RE.search(self.get("/firms")).group(1)


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
            for _ in range(900):  # up to 90 s: a loaded 2-core machine took 40 s to start it
                try:
                    Browser(base).get("/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            yield Served(base, process)
        finally:
            process.terminate()
            process.wait(timeout=20)
