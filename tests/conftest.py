"""The suite's fixtures come from tests/fixtures/ as plugins; shared helpers from tests/helpers/.

Markers (pyproject.toml): `slow` (a second or more: real servers, full matching runs), `e2e`
(a browser), `faults` (killed processes, a database going away). `make test-fast` leaves
them out; `make test` and CI run everything.
"""

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.events",
    "tests.fixtures.redis",
    "tests.fixtures.world",
]
