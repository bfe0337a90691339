"""The layers of STYLE.md, read from the imports of every module of the package (function-level
imports too): the domain (services, models, matching) knows nothing of Flask, Flask-Login,
Flask-WTF, werkzeug or the faces; the web pages and the API do not import each other; the jobs
sit beside the services; and no import goes round in a cycle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What each layer may import of the package; the factory, the CLI, the configuration and the
# extensions ("root") may import anything.
LAYERS = {
    "matching": ("matchmaker.matching",),
    "models": ("matchmaker.models",),
    "scheduling": ("matchmaker.scheduling",),
    "services": (
        "matchmaker.services",
        "matchmaker.models",
        "matchmaker.matching",
        "matchmaker.scheduling",
    ),
    "jobs": (
        "matchmaker.jobs",
        "matchmaker.services",
        "matchmaker.models",
        "matchmaker.extensions",
    ),
    "web": (
        "matchmaker.web",
        *(
            f"matchmaker.{blueprint}"
            for blueprint in ("auth", "firms", "review", "messages", "events", "attachments")
        ),
        "matchmaker.services",
        "matchmaker.models",
        "matchmaker.extensions",
        "matchmaker.jobs",
    ),
    "api": ("matchmaker.api", "matchmaker.services", "matchmaker.models", "matchmaker.extensions"),
}
DOMAIN = ("matching", "scheduling", "models", "services")
# Libraries of the web faces, which the domain never imports.
FACE_LIBRARIES = (
    "flask",
    "flask_login",
    "flask_wtf",
    "werkzeug",
    "wtforms",
    "flask_smorest",
    "marshmallow",
    "flask_limiter",
    "flask_mailman",
    "flask_talisman",
)
# Allowed in the domain all the same: translation markers and the locale of e-mails, and the
# models' Flask-SQLAlchemy `db`.
DOMAIN_ALLOWED = {
    "flask_babel": {"gettext", "lazy_gettext", "ngettext", "force_locale"},
    "flask_sqlalchemy": None,  # models only
}


def layer_of(module: str) -> str:
    for layer, prefixes in (
        ("matching", ("matchmaker.matching",)),
        ("scheduling", ("matchmaker.scheduling",)),
        ("models", ("matchmaker.models",)),
        ("services", ("matchmaker.services",)),
        ("jobs", ("matchmaker.jobs",)),
        ("api", ("matchmaker.api",)),
        ("web", LAYERS["web"][:6]),
    ):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return layer
    return "root"


def module_names(package: Path) -> dict[str, Path]:
    found = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imports(module: str, path: Path, known: set[str]) -> Iterator[tuple[str, set[str], bool]]:
    """(imported module, names taken from it, only for type checking) for every import."""
    tree = ast.parse(path.read_text(), str(path))
    typing_only = _type_checking_lines(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, set(), node.lineno in typing_only
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = {alias.name for alias in node.names}
            submodules = {name for name in names if f"{base}.{name}" in known}
            for name in submodules:
                yield f"{base}.{name}", set(), node.lineno in typing_only
            if names - submodules:
                yield base, names - submodules, node.lineno in typing_only


def problems(package: Path) -> list[str]:
    known = module_names(package)
    found: list[str] = []
    graph: dict[str, set[str]] = {name: set() for name in known}
    for module, path in sorted(known.items()):
        layer = layer_of(module)
        for target, names, typing_only in imports(module, path, set(known)):
            top = target.split(".")[0]
            if target in known or top == "matchmaker":
                if not typing_only:
                    graph[module].add(target)
                allowed = LAYERS.get(layer)
                if allowed and not any(target == a or target.startswith(a + ".") for a in allowed):
                    found.append(f"{module} ({layer}) imports {target} ({layer_of(target)})")
            elif layer in DOMAIN:
                if top in DOMAIN_ALLOWED:
                    allowed_names = DOMAIN_ALLOWED[top]
                    if top == "flask_sqlalchemy" and layer != "models":
                        found.append(f"{module} ({layer}) imports {target}")
                    elif allowed_names is not None and not names <= allowed_names:
                        found.append(f"{module} ({layer}) imports {sorted(names)} from {target}")
                elif top in FACE_LIBRARIES:
                    found.append(f"{module} ({layer}) imports {target}")
    found.extend(f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(graph))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(sorted(group) + [sorted(group)[0]])

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_package_keeps_its_layers_and_has_no_import_cycle():
    assert problems(ROOT / "matchmaker") == []


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "matchmaker" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "matchmaker"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"services/a.py": "from flask import request\n"}, "imports flask"),
        ({"services/a.py": "def f():\n    from werkzeug import exceptions\n"}, "werkzeug"),
        ({"models/a.py": "import flask_login\n"}, "imports flask_login"),
        ({"services/a.py": "from matchmaker.web import links\n", "web/links.py": ""}, "(web)"),
        ({"services/a.py": "from matchmaker import jobs\n", "jobs/__init__.py": ""}, "(jobs)"),
        ({"api/a.py": "from matchmaker.web.errors import x\n", "web/errors.py": ""}, "(web)"),
        ({"firms/a.py": "from matchmaker.api import schemas\n", "api/schemas.py": ""}, "(api)"),
        ({"services/a.py": "from flask_babel import get_locale\n"}, "get_locale"),
        (
            {"services/a.py": "from . import b\n", "services/b.py": "from . import a\n"},
            "import cycle: matchmaker.services.a -> matchmaker.services.b",
        ),
    ],
)
def test_the_check_finds_each_kind_of_breach(tmp_path, files, expected):
    files = {"__init__.py": "", "services/__init__.py": "", **files}
    found = problems(_write(tmp_path, files))
    assert any(expected in problem for problem in found), found


def test_the_check_allows_what_the_layers_allow(tmp_path):
    files = {
        "__init__.py": "",
        "services/__init__.py": "",
        "services/a.py": "from flask_babel import gettext\nfrom matchmaker.models import x\n",
        "models/__init__.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from matchmaker.models.b import y\n",
        "models/b.py": "from matchmaker.models import z\n",
        "web/a.py": "from matchmaker.services import a\nfrom matchmaker import jobs\n",
        "jobs/__init__.py": "from matchmaker.services import a\n",
    }
    assert problems(_write(tmp_path, files)) == []
