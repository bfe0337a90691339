"""Migration acct01 on data: each firm's one user becomes its admin; several users per firm
are allowed afterwards; the downgrade keeps each firm's first user."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from matchmaker import create_app
from matchmaker.extensions import db


def test_existing_firm_users_become_admins_and_firms_take_colleagues(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
            "STATE_DIR": str(tmp_path),
            "MAIL_FILE_PATH": str(tmp_path / "outbox"),
            "ATTACHMENT_DIR": str(tmp_path / "files"),
        }
    )
    with app.app_context():
        upgrade(revision="a3c5e7f9b2d4")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO firms (id, ref, name, country, offers, seeks, created_at,"
                    " updated_at) VALUES (1, 'PK-1', 'F', 'PK', 'o', 's', '2026-01-01',"
                    " '2026-01-01')"
                )
            )
            for uid, firm in ((1, 1), (2, None)):
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, password_hash, role, active,"
                        " session_version, notify_email, firm_id, created_at)"
                        " VALUES (:id, :email, 'h', 'firm', 1, 1, 1, :firm, '2026-01-01')"
                    ),
                    {"id": uid, "email": f"u{uid}@example.com", "firm": firm},
                )
        upgrade(revision="acct01")
        with db.engine.begin() as conn:
            roles = dict(conn.execute(text("SELECT id, firm_role FROM users")).all())
            assert roles == {1: "admin", 2: None}
            conn.execute(text("UPDATE users SET firm_id = 1, firm_role = 'member' WHERE id = 2"))
        downgrade(revision="a3c5e7f9b2d4")
        with db.engine.begin() as conn:
            firms = dict(conn.execute(text("SELECT id, firm_id FROM users")).all())
        assert firms == {1: 1, 2: None}
        db.engine.dispose()
