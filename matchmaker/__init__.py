"""matchmaker: partner matching for the Pakistan-Belarus Joint Working Group.

`create_app` is imported lazily so that `import matchmaker.matching` stays free of Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from matchmaker.app import create_app as _create_app

    return _create_app(test_config)
