import pytest

from matchmaker import create_app
from matchmaker.config import ConfigError


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("MATCHMAKER_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_production_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("MATCHMAKER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert app.debug is False


def test_database_url_from_environment_uses_psycopg(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/x")
    app = create_app({"SECRET_KEY": "k"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/x"


def test_development_secret_key_is_generated_once(tmp_path):
    from matchmaker.config import _instance_secret_key

    first = _instance_secret_key(str(tmp_path))
    assert len(first) >= 32
    assert _instance_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_behind_a_proxy_the_client_address_comes_from_it(monkeypatch, tmp_path):
    from flask import request

    monkeypatch.setenv("MATCHMAKER_PROXIES", "1")
    app = create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})

    @app.get("/whoami")
    def whoami():
        return request.remote_addr or ""

    seen = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen.get_data(as_text=True) == "203.0.113.7"
