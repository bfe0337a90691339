"""The job queue: RQ on Redis when REDIS_URL is set; without it, work runs at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app


def prefix() -> str:
    """The queue's name and the start of every key the app keeps in Redis (REDIS_PREFIX)."""
    return current_app.config["REDIS_PREFIX"]


def redis_connection():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    from redis import Redis

    return Redis.from_url(url)


def queue():
    connection = redis_connection()
    if connection is None:
        return None
    from rq import Queue

    return Queue(prefix(), connection=connection)


def enqueue(function: Callable[..., Any], *args: Any, timeout: int = 3600) -> Any:
    """Run `function` in the worker when there is one, else now."""
    jobs = queue()
    if jobs is None:
        return function(*args)
    return jobs.enqueue_call(function, args=args, timeout=timeout, result_ttl=3600)
