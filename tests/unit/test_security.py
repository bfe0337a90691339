import subprocess
import sys

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from matchmaker.services.passwords import hash_password, password_problem, verify_password
from matchmaker.web.security import is_safe_next


@pytest.mark.parametrize("target", ["/firms", "/firms/3?q=tractor", "/firm/edit"])
def test_local_paths_are_safe_redirects(target):
    assert is_safe_next(target)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "",
        None,
        "/\tevil",
        "firms",
    ],
)
def test_foreign_or_odd_targets_are_refused(target):
    assert not is_safe_next(target)


def test_passwords_are_hashed_with_scrypt_and_verify(monkeypatch):
    from matchmaker.services import passwords

    monkeypatch.undo()  # the real cost, not the suite's quick one
    assert passwords.SCRYPT == (2**15, 8, 1)
    hashed = hash_password("a long enough password")
    assert hashed.startswith("scrypt:32768:8:1$")
    assert "a long enough password" not in hashed
    assert verify_password(hashed, "a long enough password")
    assert not verify_password(hashed, "a long enough passwor")


def test_hashes_are_werkzeugs_format_both_ways():
    # Every hash stored before (by Werkzeug) still verifies, and ours verify with Werkzeug.
    assert verify_password(
        generate_password_hash("an older password 1", "scrypt"), "an older password 1"
    )
    assert check_password_hash(hash_password("a newer password 12"), "a newer password 12")
    assert not check_password_hash(hash_password("a newer password 12"), "a newer password 13")


@pytest.mark.parametrize(
    "stored", ["", "plain", "scrypt$salt", "pbkdf2:sha256:1$s$00", "scrypt:x:8:1$s$00"]
)
def test_malformed_or_foreign_hashes_never_verify(stored):
    assert not verify_password(stored, "anything at all 1")


@pytest.mark.slow
def test_the_timing_hash_is_made_only_when_first_needed():
    code = (
        "import matchmaker.services.accounts, matchmaker.services.passwords as p;"
        "import sys; sys.exit(p.dummy_hash.cache_info().currsize)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_password_length_policy():
    assert password_problem("short") is not None
    assert password_problem("x" * 11) is not None
    assert password_problem("twelve chars") is None
