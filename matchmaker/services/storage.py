"""Where attachments' bytes are kept: a small interface and its local implementation.

`Storage` is what the attachment service needs: save, open and delete a blob by key. The key
is always the service's own random name (`new_key()`), never anything a user typed, so it
can name a file safely. `LocalStorage` keeps blobs in a directory (by default
`instance/attachments`, outside `static/`, so nothing is served but through the access check).

An S3-compatible store would be a second class with the same three methods (boto3's
`put_object`, `get_object`, `delete_object`); it is not built: configuring
`ATTACHMENT_STORAGE = "s3"` stops the application at start with that reason, rather than
losing files.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO, Protocol

KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...


def new_key() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 random bits


class LocalStorage:
    """Blobs as files under `root`, in 256 sub-folders by the key's first two characters."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.fullmatch(key):
            raise ValueError("not a storage key")
        return self.root / key[:2] / key

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and renamed: a reader never sees half a file.
        temporary = path.with_name(f".{key}.part")
        with open(temporary, "xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.replace(path)

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")  # the caller closes it

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class StorageNotConfigured(RuntimeError):
    """The configured attachment storage cannot be used."""


def storage_from_config(config: Mapping[str, Any], instance_path: str | Path) -> Storage:
    kind = config.get("ATTACHMENT_STORAGE") or "local"
    if kind == "local":
        return LocalStorage(config.get("ATTACHMENT_DIR") or Path(instance_path) / "attachments")
    raise StorageNotConfigured(
        f"ATTACHMENT_STORAGE={kind!r}: only 'local' is implemented (see services/storage.py)"
    )
