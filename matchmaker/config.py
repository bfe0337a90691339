"""Configuration: class defaults, then instance/config.py, then the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """The configuration cannot be used (e.g. production without SECRET_KEY)."""


class Config:
    MATCHMAKER_ENV = "development"
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled from instance_path when unset
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    DATABASE_PING_IDLE = 10.0  # seconds a pooled connection idles before a ping (web/transactions)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # valid for the whole session (CONTRACT)
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    FIRMS_PER_PAGE = 20
    PROPOSALS_PER_PAGE = 25
    MESSAGES_PER_PAGE = 50
    PROXY_COUNT = 0  # reverse proxies in front (their X-Forwarded-For is trusted)
    MATCH_TOP_K = 10
    MATCH_MIN_SCORE = 0.30  # no proposal below this score (services/matching.py: how chosen)
    MATCH_WRITE_BATCH = 50_000  # proposals explained and written per batch
    REDIS_URL: str | None = None
    REDIS_PREFIX = "matchmaker"  # names the job queue and starts every key kept in Redis
    # Mail goes to files under instance/outbox unless a real backend is configured.
    MAIL_BACKEND = "file"
    MAIL_FILE_PATH: str | None = None
    SITE_URL = "http://127.0.0.1:5000"  # the public address used in e-mailed links
    MAIL_DEFAULT_SENDER = "matchmaker <no-reply@matchmaker.invalid>"
    # Attachments: "local" keeps them in ATTACHMENT_DIR (default instance/attachments).
    ATTACHMENT_STORAGE = "local"
    ATTACHMENT_DIR: str | None = None


ENV_KEYS = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "MATCHMAKER_ENV")


def apply_environment(config: dict[str, Any]) -> None:
    """Overlay the environment variables named in the contract."""
    env = os.environ
    if env.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(env["DATABASE_URL"])
    if env.get("SECRET_KEY"):
        config["SECRET_KEY"] = env["SECRET_KEY"]
    if env.get("REDIS_URL"):
        config["REDIS_URL"] = env["REDIS_URL"]
    if env.get("MATCHMAKER_PROXIES", "").isdigit():
        config["PROXY_COUNT"] = int(env["MATCHMAKER_PROXIES"])
    if env.get("MATCHMAKER_WRITE_BATCH", "").isdigit():
        config["MATCH_WRITE_BATCH"] = max(1, int(env["MATCHMAKER_WRITE_BATCH"]))
    if env.get("MATCHMAKER_REDIS_PREFIX"):
        config["REDIS_PREFIX"] = env["MATCHMAKER_REDIS_PREFIX"]
    if env.get("MATCHMAKER_API_RATE_LIMIT"):
        config["API_RATE_LIMIT"] = env["MATCHMAKER_API_RATE_LIMIT"]
    if env.get("MATCHMAKER_MIN_SCORE"):
        try:
            config["MATCH_MIN_SCORE"] = min(max(float(env["MATCHMAKER_MIN_SCORE"]), 0.0), 1.0)
        except ValueError as exc:
            raise ConfigError("MATCHMAKER_MIN_SCORE must be a number from 0 to 1") from exc
    if env.get("MATCHMAKER_STATE_DIR"):
        config["STATE_DIR"] = env["MATCHMAKER_STATE_DIR"]
    if env.get("TRUSTED_HOSTS"):
        config["TRUSTED_HOSTS"] = [h.strip() for h in env["TRUSTED_HOSTS"].split(",") if h.strip()]
    if env.get("MATCHMAKER_ATTACHMENT_DIR"):
        config["ATTACHMENT_DIR"] = env["MATCHMAKER_ATTACHMENT_DIR"]
    if env.get("SITE_URL"):
        config["SITE_URL"] = env["SITE_URL"]
    if env.get("MATCHMAKER_ENV"):
        config["MATCHMAKER_ENV"] = env["MATCHMAKER_ENV"]


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` and `postgresql://` spellings and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def finalise(config: dict[str, Any], instance_path: str) -> None:
    """Fill derived defaults and enforce the production rules."""
    production = config.get("MATCHMAKER_ENV") == "production"
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(instance_path) / "matchmaker.db"
        )
    if not config.get("SECRET_KEY"):
        if production:
            raise ConfigError("MATCHMAKER_ENV=production needs an explicit SECRET_KEY")
        config["SECRET_KEY"] = _instance_secret_key(instance_path)
    if not config.get("STATE_DIR"):
        # Where the fitted matching engine is kept between runs.
        config["STATE_DIR"] = instance_path
    if not config.get("MAIL_FILE_PATH"):
        config["MAIL_FILE_PATH"] = str(Path(instance_path) / "outbox")
    if production:
        # A forged Host header gets 400 (links in e-mails use SITE_URL in any case).
        if not config.get("TRUSTED_HOSTS"):
            config["TRUSTED_HOSTS"] = [urlsplit(config["SITE_URL"]).hostname]
        config["DEBUG"] = False
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        config["SESSION_COOKIE_NAME"] = "__Host-session"
        config["PREFERRED_URL_SCHEME"] = "https"
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "connect_args": {"timeout": 30},
        }


def _instance_secret_key(instance_path: str) -> str:
    """Generate the development key once and keep it in instance/ (git-ignored)."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
