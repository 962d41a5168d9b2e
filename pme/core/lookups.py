"""`field__among=(...)`: an `__in` whose values are written into the SQL as constants.

PostgreSQL keeps the plan of a prepared statement (config/env.py: server-side binding) and reuses it
for any parameters; such a generic plan cannot use a partial index whose condition is `status IN
('submitted', ...)` when the statuses arrive as parameters, because nothing then proves that the
rows asked for lie inside the index. Written as constants they do. The review queue's reads use it
(the drug list of the queue went from 1.1 ms to 107 ms with a generic plan, and back to 1 ms with it).

Only for the code's own constants (statuses, kinds): each value must be a short word of lowercase
letters, digits and underscores, checked before it reaches the SQL; anything else is refused.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import CharField
from django.db.models.lookups import In

_WORD = re.compile(r"^[a-z0-9_]{1,40}$")


class Among(In):
    lookup_name = "among"

    def process_rhs(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        values = list(self.rhs)
        if not values or not all(isinstance(v, str) and _WORD.match(v) for v in values):
            raise ValueError(f"__among takes code constants only, not {values!r}")
        return "(" + ", ".join(f"'{v}'" for v in dict.fromkeys(str(v) for v in values)) + ")", ()


def register() -> None:
    CharField.register_lookup(Among)
