"""Which speed tricks are worth their code: each page's CPU per request with and without each.

    .venv/bin/python benchmarks/tricks.py [--database URL] [--requests 300] [--rounds 10]
                                          [--lang en|ru|ur] [--variants NAME ...]

STYLE.md keeps a trick (a cache, a shortcut past a library) only where a benchmark shows it saves
at least 5% of a page's CPU. Needs the database that `benchmarks/load.py` fills. Every page is
requested in process through Flask's test client, signed in as the user it is for, in the
reader's language `--lang`, once per variant, variant after variant in interleaved rounds (each
round starting with the next variant); the table gives the median CPU per request and each
variant's change against the product as it is (`product again`, the same code measured as a
variant, shows the noise):

- `... per call`: the product without one of its `functools.cache`s, the statement built anew
  on every call: the rows of the review queue and the API list (`proposals._rows_base`,
  `_page_base`, the queue's `_queue_by_status` and the API list's `_staff_list` and
  `_introductions_list`); the introductions, the unread badge
  of every firm page, the thread with its newest messages, the firms' rows with their list
  fields (sectors, cooperation types) and the directory's cards' rows by id
  (`introductions`, `unread`, `messaging`, `firms`); the directory search's document expression
  (`models.firm._search_document`, PostgreSQL).
- `Babel's template _()`: the templates' `_()`, `term()` and `label` through Flask-Babel's
  lookups on every call (as Flask-Babel installs them), instead of the product's, which find the
  translations once per rendering (`matchmaker.web.i18n`).
- `review cards not kept`: the review queue's content and cards made and drawn on every view,
  as for a view of cards not seen before, instead of written as kept (`review.cards.CardMemo`).
- `review content not kept`: the queue's content drawn on every view, its cards written as kept,
  as for the view after a decision on one of them.
- `Flask's JSON`: the API's bodies written by Flask's own provider (Python's json) instead of
  orjson (`web.json_provider.OrjsonProvider`).
- `+ number shortcuts`: counts and scores formatted without Babel's pattern machinery where the
  locale allows (filters the product had before and dropped: no page gained 5% from them;
  installed here for the measurement).
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import DEFAULT_DATABASE  # noqa: E402
from benchmarks.pages import signed_in  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--requests", type=int, default=300, help="per page and variant")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--lang", default="en", choices=["en", "ru", "ur"])
    parser.add_argument("--variants", nargs="*", help="only these (with the product's two)")
    args = parser.parse_args()

    from matchmaker.models import firm as firm_model
    from matchmaker.review import cards
    from matchmaker.services import firms, introductions, messaging, proposals, unread

    state = Path(tempfile.mkdtemp(prefix="matchmaker-tricks-"))
    atexit.register(shutil.rmtree, state, ignore_errors=True)
    setup = signed_in(args.database, state, args.lang)
    app, firm, officer, api = setup.app, setup.firm, setup.officer, setup.api
    bearer, thread_id = setup.bearer, setup.thread_id
    pages = [
        ("directory search", firm, "/firms?q=tractor+kits", {}),
        ("/matches", firm, "/matches", {}),
        ("/review", officer, "/review", {}),
        ("thread page", firm, f"/messages/{thread_id}", {}),
        ("API list", api, "/api/v1/proposals", bearer),
        ("API firm search", api, "/api/v1/firms?q=transformer", bearer),
        ("account", firm, "/auth/account", {}),
    ]
    variants = {
        "product": _nothing,
        "product again": _nothing,  # the noise floor: the same code, measured as a variant
        "proposal rows per call": _uncached(
            (proposals, "_rows_base"),
            (proposals, "_page_base"),
            (proposals, "_queue_by_status"),
            (proposals, "_staff_list"),
            (proposals, "_introductions_list"),
        ),
        "firm statements per call": _uncached(
            (introductions, "_introductions_statement"),
            (unread, "_unread_total_statement"),
            (messaging, "_thread_page_statement"),
            (messaging, "_latest_statement"),
            (firms, "_rows_select"),
            (firms, "_listing_select"),
            (firms, "_by_ids_select"),
        ),
        "search tsvector per call": _uncached((firm_model, "_search_document")),
        "Babel's template _()": lambda: _babel_template_gettext(app),
        "review cards not kept": lambda: _not_kept(app, cards.MEMO, cards.CONTENT_MEMO),
        "review content not kept": lambda: _not_kept(app, cards.CONTENT_MEMO),
        "Flask's JSON": lambda: _flask_json(app),
        "+ number shortcuts": lambda: _number_shortcuts(app),
    }
    if args.variants:
        unknown = set(args.variants) - set(variants)
        if unknown:
            parser.error(f"no such variant: {', '.join(sorted(unknown))}")
        keep = {"product", "product again", *args.variants}
        variants = {name: v for name, v in variants.items() if name in keep}
    for _name, client, path, headers in pages:
        for _ in range(20):  # warm up: templates, statement caches, prepared plans
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
    per_round = max(1, args.requests // args.rounds)
    cpu = {(page[0], variant): [] for page in pages for variant in variants}
    order = list(variants)
    for round_ in range(args.rounds):
        # Each round starts with another variant, so no variant always follows the same one.
        for variant in order[round_ % len(order) :] + order[: round_ % len(order)]:
            installed = variants[variant]
            with installed():
                for name, client, path, headers in pages:
                    started = time.process_time()
                    for _ in range(per_round):
                        status = client.get(path, headers=headers).status_code
                        assert status == 200, (variant, path, status)
                    cpu[name, variant].append((time.process_time() - started) / per_round * 1e3)
    print(f"CPU ms per request (median of {args.rounds} rounds), language {args.lang}")
    print(f"{'variant':<26}" + "".join(f"{name:>18}" for name, *_ in pages))
    for variant in variants:
        cells = []
        for name, *_ in pages:
            product = statistics.median(cpu[name, "product"])
            median = statistics.median(cpu[name, variant])
            change = "" if variant == "product" else f" {(median / product - 1) * 100:+.1f}%"
            cells.append(f"{median:.2f}{change}")
        print(f"{variant:<26}" + "".join(f"{cell:>18}" for cell in cells))


@contextmanager
def _nothing():
    yield


def _uncached(*functions):
    """The product with these `functools.cache`d functions (module, name) run on every call."""

    @contextmanager
    def installed():
        originals = [(module, name, getattr(module, name)) for module, name in functions]
        for module, name, function in originals:
            setattr(module, name, function.__wrapped__)
        try:
            yield
        finally:
            for module, name, function in originals:
                setattr(module, name, function)

    return installed


@contextmanager
def _not_kept(app, *names: str):
    from matchmaker.review.cards import CardMemo

    class NotKept(CardMemo):
        def keep(self, key, card) -> None:
            pass

    kept = {name: app.extensions.get(name) for name in names}
    for name in names:
        app.extensions[name] = NotKept()
    try:
        yield
    finally:
        for name, memo in kept.items():
            app.extensions[name] = memo if memo is not None else CardMemo()


@contextmanager
def _flask_json(app):
    from flask.json.provider import DefaultJSONProvider

    ours = app.json
    app.json = DefaultJSONProvider(app)
    try:
        yield
    finally:
        app.json = ours


@contextmanager
def _babel_template_gettext(app):
    import flask_babel
    from jinja2 import pass_context

    from matchmaker.web import i18n

    env = app.jinja_env
    before = (dict(env.globals), dict(env.filters))
    # What Flask-Babel installs (Babel.init_app); `_` is Jinja's alias of `gettext`.
    env.install_gettext_callables(
        lambda text: flask_babel.get_translations().ugettext(text),
        lambda singular, plural, n: flask_babel.get_translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    env.globals["_"] = env.globals["gettext"]
    # The stored words and labels through Flask-Babel's gettext, as before the trick (taking the
    # context as the product's do: compiled templates pass it).
    env.globals["term"] = lambda value: (
        flask_babel.gettext(i18n.TERMS[value]) if value in i18n.TERMS else str(value or "")
    )
    env.filters["label"] = pass_context(
        lambda _context, text: flask_babel.gettext(text) if text else ""
    )
    try:
        yield
    finally:
        env.globals.clear()
        env.globals.update(before[0])
        env.filters.clear()
        env.filters.update(before[1])


@contextmanager
def _number_shortcuts(app):
    import babel
    import babel.numbers
    import flask_babel

    @lru_cache(maxsize=32)
    def decimal_symbol(locale: str) -> str:
        return babel.numbers.get_decimal_symbol(locale)

    @lru_cache(maxsize=32)
    def group_symbol(locale: str) -> str | None:
        if babel.Locale.parse(locale).decimal_formats[None].grouping != (3, 3):
            return None
        return babel.numbers.get_group_symbol(locale)

    def number(value):
        value = value or 0
        if isinstance(value, int) and value >= 0:
            group = group_symbol(str(flask_babel.get_locale() or "en"))
            if group is not None:
                return f"{value:,}".replace(",", group)
        return flask_babel.format_decimal(value)

    def decimal2(value):
        value = value or 0
        if value < 0:
            return flask_babel.format_decimal(value, "0.00")
        rounded = Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
        return f"{rounded:.2f}".replace(".", decimal_symbol(str(flask_babel.get_locale() or "en")))

    before = {name: app.jinja_env.filters[name] for name in ("number", "decimal2")}
    app.jinja_env.filters.update(number=number, decimal2=decimal2)
    try:
        yield
    finally:
        app.jinja_env.filters.update(before)


if __name__ == "__main__":
    main()
