"""Fuzz the running API against its own OpenAPI document (CI).

Serves the app on a free port with demo data in a temporary SQLite database (or
DATABASE_URL), once with an EDB officer's token and once with a firm's, and runs schemathesis
with the checks: no server error, status codes, content types and bodies as documented.
Exits non-zero on any finding.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="mm-fuzz-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'fuzz.db'}")
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.services import accounts, demo, tokens

    app = create_app(
        {"SECRET_KEY": "fuzz", "STATE_DIR": str(work), "MAIL_FILE_PATH": str(work / "mail")}
    )
    with app.app_context():
        upgrade()
        demo.seed(db.session, str(work))
        headers = {}
        for email in (demo.STAFF[0], demo.PK_USER[0]):
            _, plain = tokens.create_token(
                db.session, accounts.find_user(db.session, email), "fuzz"
            )
            headers[email] = plain
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/api/v1/openapi.json"
    status = 0
    try:
        for email, token in headers.items():
            print(f"--- schemathesis as {email}", flush=True)
            done = subprocess.run(  # noqa: S603 - our own tool and arguments
                [
                    str(Path(sys.executable).with_name("schemathesis")),
                    "run",
                    url,
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--checks",
                    CHECKS,
                    "--max-examples",
                    os.environ.get("FUZZ_EXAMPLES", "40"),
                    "--seed",
                    "1",
                    "--workers",
                    "1",
                    "--phases",
                    "examples,coverage,fuzzing",
                ],
                check=False,
            )
            status = status or done.returncode
    finally:
        server.shutdown()
    return status


if __name__ == "__main__":
    sys.exit(main())
