"""Every Flask extension, created unbound; the factory binds them. Imports nothing of the app."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from matchmaker.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
babel = Babel()


def _client_key() -> str:
    # Imported here so this module keeps importing nothing of the app at import time.
    from matchmaker.web.ratelimits import client_key

    return client_key()


# Storage is chosen per app (Redis when REDIS_URL is set, memory otherwise) in the factory.
limiter = Limiter(key_func=_client_key)
