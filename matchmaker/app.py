"""The application factory."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import gettext
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from matchmaker import config as config_module
from matchmaker.web import assets
from matchmaker.web.json_provider import OrjsonProvider

ROOT = Path(__file__).resolve().parent.parent


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route stops at the largest id the database holds (int4), so a
    path like /firms/99999999999999999999 is a plain 404, not a database error."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        "matchmaker",
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_map.converters["int"] = DatabaseId
    app.json = OrjsonProvider(app)
    app.config.from_object(config_module.Config)
    app.config.from_pyfile("config.py", silent=True)
    config_module.apply_environment(app.config)
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config_module.finalise(app.config, app.instance_path)

    if app.config["PROXY_COUNT"]:
        # Behind N proxies: the client's address (rate limits) and scheme come from them.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
    configure_logging(app)
    register_extensions(app)
    register_services(app)
    register_blueprints(app)
    register_errorhandlers(app)  # after the API's: the site's handlers answer its errors too
    register_commands(app)
    register_template_helpers(app)
    assets.register(app)
    return app


class JsonFormatter(logging.Formatter):
    """One JSON object per line (production): what log collectors parse without rules."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    root = logging.getLogger("matchmaker")
    if not root.handlers:
        handler = logging.StreamHandler(sys.stdout)
        if app.config.get("MATCHMAKER_ENV") == "production":
            handler.setFormatter(JsonFormatter())
        else:
            handler.setFormatter(
                logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
            )
        root.addHandler(handler)
    root.setLevel(logging.INFO)


def register_extensions(app: Flask) -> None:
    from matchmaker.extensions import csrf, db, limiter, login_manager, mail, migrate
    from matchmaker.web import transactions
    from matchmaker.web.ratelimits import storage_uri

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = transactions.engine_options(app.config)
    db.init_app(app)
    transactions.init_app(app, db)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["REDIS_PREFIX"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    login_manager.init_app(app)
    from matchmaker.web import i18n

    i18n.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.LOGIN_MESSAGE
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"

    from matchmaker.auth.routes import load_user

    login_manager.user_loader(load_user)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_on_connect)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Unicode-aware lower() so search is case-insensitive for Cyrillic too; enforce FKs;
    # WAL so readers do not block the writer (with synchronous=NORMAL, its safe setting);
    # a 64 MB page cache for the bulk writes of `match run`.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def register_services(app: Flask) -> None:
    """What the services use from outside them: links for e-mails, and the job queue."""
    from matchmaker.jobs import QueuedWork
    from matchmaker.services import ports
    from matchmaker.services.storage import storage_from_config
    from matchmaker.web.links import SiteLinks

    ports.configure(links=SiteLinks(), background=QueuedWork())
    # Built at start, so a storage that cannot work stops the app now, not at an upload.
    app.extensions["matchmaker.storage"] = storage_from_config(app.config, app.instance_path)


def register_blueprints(app: Flask) -> None:
    from matchmaker.attachments.routes import bp as attachments_bp
    from matchmaker.auth.account import bp as account_bp
    from matchmaker.auth.colleagues import bp as colleagues_bp
    from matchmaker.auth.routes import bp as auth_bp
    from matchmaker.events import outcome_routes, routes, schedule_routes  # noqa: F401 (views)
    from matchmaker.events.blueprint import bp as events_bp
    from matchmaker.firms.routes import bp as firms_bp
    from matchmaker.messages.routes import bp as messages_bp
    from matchmaker.review.files import bp as review_files_bp
    from matchmaker.review.routes import bp as review_bp
    from matchmaker.web.site import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(colleagues_bp)
    app.register_blueprint(attachments_bp)
    app.register_blueprint(firms_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(review_files_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(events_bp)

    from matchmaker.api import init_api
    from matchmaker.api.docs import bp as api_docs_bp

    init_api(app)
    app.register_blueprint(api_docs_bp)


def register_errorhandlers(app: Flask) -> None:
    from matchmaker.web.errors import register_errorhandlers as register
    from matchmaker.web.security import register_security

    register(app)
    register_security(app)


def register_template_helpers(app: Flask) -> None:
    from matchmaker.web import match_display
    from matchmaker.web.templating import register_template_helpers as register

    register(app)
    match_display.register(app)


def register_commands(app: Flask) -> None:
    from matchmaker.cli import register

    register(app)
