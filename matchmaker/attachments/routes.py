"""Attachments: a firm's profile documents and the files of messages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("attachments", __name__)
