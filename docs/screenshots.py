"""Take the README's screenshots: the demo data, each role's main pages, three languages.

    .venv/bin/python docs/screenshots.py

Serves the app on a fresh SQLite database in a temporary folder (migrated, demo data loaded),
drives the system Chromium with Playwright and writes viewport-sized PNGs to docs/screenshots/.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "screenshots"
FIRM = ("indus@firm.demo", "demo-firm-pass-pk")
OFFICER = ("officer@edb.demo", "demo-officer-pass")
# (file name, who, language, path, width)
SHOTS = [
    ("directory-en", FIRM, "en", "/firms?q=tractor", 1100),
    ("introductions-ur", FIRM, "ur", "/matches", 1100),
    ("profile-form-ru", FIRM, "ru", "/firm/edit", 1100),
    ("review-queue-en", OFFICER, "en", "/review", 1100),
    ("dashboard-ur", OFFICER, "ur", "/dashboard", 1100),
    ("thread-ru-phone", FIRM, "ru", "/messages", 375),
]


def main() -> None:
    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.services import demo

    state = Path(tempfile.mkdtemp(prefix="matchmaker-shots-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{state / 'shots.db'}",
            "SECRET_KEY": "screenshots",
            "STATE_DIR": str(state),
            "MAIL_FILE_PATH": str(state / "outbox"),
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        demo.seed(db.session, state)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for name, (email, password), lang, path, width in SHOTS:
            height = 760 if width > 500 else 800
            context = browser.new_context(
                base_url=base, viewport={"width": width, "height": height}
            )
            page = context.new_page()
            page.goto("/auth/login")
            if lang != "en":
                page.click(f"form.languages button[value='{lang}']")
            page.fill("#email", email)
            page.fill("#password", password)
            page.click("main button[type=submit]")
            page.wait_for_load_state()
            page.goto(path)
            if name.startswith("thread"):
                page.click("ul.threads a >> nth=0")
                page.wait_for_load_state()
            page.screenshot(path=str(OUT / f"{name}.png"))
            print(f"{name}.png", (OUT / f"{name}.png").stat().st_size // 1024, "KiB")
            context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
