"""Flask's JSON provider with orjson writing the API's bodies (`OrjsonProvider`)."""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

# Keys sorted as Flask sorts them; dates and dataclasses through Flask's own `default` (dates
# as HTTP dates), so a body holds what Flask's provider writes; numpy's numbers as numbers.
OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_SERIALIZE_NUMPY
)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's provider (`DefaultJSONProvider`, its reading and its `default` for the types
    it adds), whose compact writing is orjson's: the same values and key order, text written
    as UTF-8 rather than as \\u escapes. Against Flask's provider: the API list 7.77 -> 6.67 M
    instructions per request, the API firm search 8.98 -> 7.85 (benchmarks/instructions.py
    --requests 10; a page of the list, 11 KB, written in 0.015 ms instead of 0.21; the CPU
    with either: benchmarks/tricks.py, "Flask's JSON"). Pretty-printed writing (debug mode,
    `indent`) stays Flask's."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs.keys() - {"separators"}:  # indent, or options of Python's json
            return super().dumps(obj, **kwargs)
        return orjson.dumps(obj, default=self.default, option=OPTIONS).decode()
