"""Every Flask extension, created unbound; the factory binds them. Imports nothing of the app
but the models' declarative base."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from matchmaker.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
babel = Babel()
talisman = Talisman()
# Storage is chosen per app (Redis when REDIS_URL is set, memory otherwise) in the factory.
limiter = Limiter(key_func=get_remote_address)
