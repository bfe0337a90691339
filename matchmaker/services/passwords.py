"""Passwords: the policy for new ones, and scrypt hashes.

Hashes are written as Werkzeug writes them (`scrypt:32768:8:1$<salt>$<hex>`), so every hash
stored before stays valid; the services keep no dependency on the web toolkit for it. The
primitive is the standard library's `hashlib.scrypt`.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import secrets
import string
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"

SCRYPT = (2**15, 8, 1)  # n, r, p: Werkzeug's defaults
SALT_CHARS = string.ascii_letters + string.digits
SALT_LENGTH = 16


def _scrypt(password: str, salt: str, n: int, r: int, p: int) -> str:
    key = hashlib.scrypt(
        password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p
    )
    return key.hex()


def hash_password(password: str) -> str:
    n, r, p = SCRYPT
    salt = "".join(secrets.choice(SALT_CHARS) for _ in range(SALT_LENGTH))
    return f"scrypt:{n}:{r}:{p}${salt}${_scrypt(password, salt, n, r, p)}"


def verify_password(password_hash: str, password: str) -> bool:
    try:
        method, salt, expected = password_hash.split("$", 2)
        name, *parameters = method.split(":")
        n, r, p = (int(v) for v in parameters)
    except ValueError:
        return False
    if name != "scrypt":
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), expected)


@cache
def dummy_hash() -> str:
    """A hash to check a password against when the account does not exist, so the answer
    takes as long either way. Made on first use: a command-line start does not pay for it."""
    return hash_password("not-a-real-password-for-timing")


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as stream:
        return frozenset(line.strip().lower() for line in stream if line.strip())


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None. Any composition is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(num)s characters.", num=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(num)s characters.", num=MAX_PASSWORD_LENGTH)
    if password.lower() in common_passwords() or len(set(password)) < 3:
        return _("This password is too common; choose one that others are unlikely to use.")
    return None
