"""The load benchmark's baseline: a bare Flask endpoint that reads one row, nothing else.

Served by benchmarks/load.py with the same gunicorn settings as the application.
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import create_engine, text

from matchmaker.config import normalise_database_url

app = Flask(__name__)
engine = create_engine(normalise_database_url(os.environ["DATABASE_URL"]), pool_pre_ping=True)
ROW = text("SELECT name FROM firms WHERE id = 1")


@app.get("/bare")
def bare() -> str:
    with engine.connect() as connection:
        return connection.execute(ROW).scalar_one()
