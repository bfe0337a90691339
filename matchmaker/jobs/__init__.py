"""Background jobs: they call the services; the services never import them (the factory gives
the services `QueuedWork` as their `Background`)."""

from matchmaker.jobs.queue import enqueue, prefix, queue, redis_connection
from matchmaker.jobs.tasks import (
    QueuedWork,
    lock_key,
    mail_job,
    progress_key,
    recompute_job,
    recompute_progress,
    refresh_job,
    start_recompute,
)

__all__ = [
    "QueuedWork",
    "enqueue",
    "lock_key",
    "mail_job",
    "prefix",
    "progress_key",
    "queue",
    "recompute_job",
    "recompute_progress",
    "redis_connection",
    "refresh_job",
    "start_recompute",
]
