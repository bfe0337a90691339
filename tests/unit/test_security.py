import pytest

from matchmaker.web.security import hash_password, is_safe_next, password_problem, verify_password


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


def test_passwords_are_hashed_with_scrypt_and_verify():
    hashed = hash_password("a long enough password")
    assert hashed.startswith("scrypt:")
    assert "a long enough password" not in hashed
    assert verify_password(hashed, "a long enough password")
    assert not verify_password(hashed, "a long enough passwor")


def test_password_length_policy():
    assert password_problem("short") is not None
    assert password_problem("x" * 11) is not None
    assert password_problem("twelve chars") is None
