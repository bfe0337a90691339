"""Background jobs: they call the services; the services never import them."""

from matchmaker.jobs.tasks import (
    LOCK_KEY,
    PROGRESS_KEY,
    QUEUE_NAME,
    enqueue,
    mail_job,
    queue,
    recompute_job,
    recompute_progress,
    redis_connection,
    refresh_job,
    start_recompute,
)

__all__ = [
    "LOCK_KEY",
    "PROGRESS_KEY",
    "QUEUE_NAME",
    "enqueue",
    "mail_job",
    "queue",
    "recompute_job",
    "recompute_progress",
    "redis_connection",
    "refresh_job",
    "start_recompute",
]
