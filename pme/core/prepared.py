"""Querysets built and compiled once, then run with new values: the prepared form of a hot look-up.

Building a queryset (each `filter`, `annotate`, `select_related` clones the query) and compiling it to SQL
costs the panorama more CPU than PostgreSQL takes to answer it by its index. A `Prepared` builds its
queryset once per *shape* from stand-in values, compiles it, notes where each stand-in landed among the
SQL parameters, and afterwards runs the same SQL with the caller's values. Rows become model instances
(select_related, annotations) or dicts (`.values()`) through Django's own iterables, so the result is
what the queryset itself would give: `tests/test_prepared_queries.py` compares both on the doors that
use it, on SQLite and PostgreSQL.

What may change the SQL must be in the shape, which the caller gives (e.g. the actor's role): the builder
receives only the stand-ins and the shape. The key also holds the day (Montréal time): the access rule's
windows are whole days, so their bounds are constants of the day. Stand-ins are integers far below any
id and strings no user can type; a stand-in that does not reach the SQL is a value the query does not
depend on. The compiled forms live on the database connection object (one per thread), so a compiler is
never shared between connections.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesIterable

from pme.core.timeutils import local_today

_FIRST_INT = -(2**62) + 7_000_000  # below every id: no real value can be mistaken for a stand-in
MAX_SHAPES = 256  # per prepared query and connection


@dataclass(frozen=True)
class _Compiled:
    compiler: Any  # the SQLCompiler that ran as_sql once (select, klass_info, converters come from it)
    converters: dict[int, Any]  # what results_iter would work out anew on every run: the same each time
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[str, int] | None, ...]  # for each parameter: (value name, index) or a constant
    values_kind: bool
    queryset: QuerySet[Any]  # built from the stand-ins, never run: its database, model, `.values()` names


class _Query:
    """What the iterables ask of a query: the compiler (the prepared one), and the names of `.values()`."""

    def __init__(self, query: Any, compiler: Any) -> None:
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using: Any = None, connection: Any = None, elide_empty: bool = True) -> Any:
        return self._compiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)


class _QuerySet:
    def __init__(self, queryset: QuerySet[Any], compiler: Any) -> None:
        self.db = queryset.db
        self.model = queryset.model
        self.query = _Query(queryset.query, compiler)
        self._known_related_objects: dict[Any, Any] = {}


class Prepared:
    """`Prepared(build)`: `build(shape, **stand_ins)` returns the queryset. `run(shape, **values)` gives its
    rows for `values`: integers, strings, or tuples of integers (an `__in` list: its length is part of
    the shape). `run(..., window=(offset, limit))` gives one slice of the rows, with the offset and the
    limit as parameters of one compiled form (slicing the queryset would write them into the SQL, one
    form per page); the builder then returns the queryset unsliced."""

    def __init__(self, name: str, build: Callable[..., QuerySet[Any]], *, using: str = "default") -> None:
        self.name = name
        self.build = build
        self.using = using

    def run(
        self,
        shape: Hashable = (),
        *,
        window: tuple[int, int] | None = None,
        **values: int | str | tuple[int, ...],
    ) -> list[Any]:
        compiled = self._compiled(shape, values, window)
        if compiled is None:  # the day changed while compiling: run it unprepared this once
            rows = self.build(shape, **values).using(self.using)
            return list(rows if window is None else rows[window[0] : window[0] + window[1]])
        return self._execute(compiled, values, window)

    def _compiled(
        self, shape: Hashable, values: dict[str, Any], window: tuple[int, int] | None
    ) -> _Compiled | None:
        for name, value in values.items():
            if not isinstance(value, int | str | tuple) or isinstance(value, bool):
                raise TypeError(f"{self.name}: {name} must be an int, a str or a tuple of ints")
        lengths = tuple((n, len(v)) for n, v in sorted(values.items()) if isinstance(v, tuple))
        connection = connections[self.using]
        store: dict[Hashable, _Compiled] = connection.__dict__.setdefault("_pme_prepared", {})
        if window is not None and (min(window) < 0 or any(isinstance(n, bool) for n in window)):
            raise ValueError(f"{self.name}: a window is (offset, limit), two integers from 0")
        key = (self.name, shape, lengths, window is not None, local_today())
        compiled = store.get(key)
        if compiled is None:
            compiled = self._compile(shape, values, windowed=window is not None)
            if compiled is None:
                return None
            if len(store) >= MAX_SHAPES:
                store.clear()  # old days' forms; rebuilt on demand
            store[key] = compiled
        return compiled

    def _compile(self, shape: Hashable, values: dict[str, Any], *, windowed: bool) -> _Compiled | None:
        day = local_today()
        stand_ins = _stand_ins(values)
        queryset = self.build(shape, **stand_ins).using(self.using)
        if windowed and queryset.query.is_sliced:
            raise ValueError(f"{self.name}: run with a window, the builder returns the queryset unsliced")
        compiler = queryset.query.get_compiler(using=self.using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. a role the access rule shows nothing: no SQL to run
            sql, params = "", []
        if local_today() != day:
            return None
        where: dict[Any, tuple[str, int]] = {}
        for name, stand_in in stand_ins.items():
            for index, item in enumerate(stand_in if isinstance(stand_in, tuple) else (stand_in,)):
                where[item] = (name, index)
        slots = []
        for param in params:
            plain = isinstance(param, int | str) and not isinstance(param, bool)
            slot = where.get(param) if plain else None
            if slot is None and plain and _looks_like_stand_in(param):
                # The ORM changed a stand-in on its way to the SQL (e.g. a LIKE pattern): the prepared
                # form would run with it. Such a value cannot be prepared.
                raise ValueError(f"{self.name}: a stand-in reached the SQL transformed ({param!r})")
            slots.append(slot)
        return _Compiled(
            compiler=compiler,
            converters=compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
            if sql
            else {},
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            values_kind=issubclass(queryset._iterable_class, ValuesIterable),
            queryset=queryset,
        )

    def _execute(
        self,
        compiled: _Compiled,
        values: dict[str, Any],
        window: tuple[int, int] | None,
        fetched: list[Any] | None = None,
    ) -> list[Any]:
        """The rows of `compiled` for `values`; from `fetched` (rows already read for them) if given."""
        if not compiled.sql:
            return []
        sql, params = _statement(compiled, values, window)
        runner = copy.copy(compiled.compiler)
        runner.as_sql = lambda *args, **kwargs: (sql, params)
        runner.get_converters = lambda expressions: compiled.converters
        if fetched is not None:
            runner.execute_sql = lambda *args, **kwargs: iter([fetched])  # one chunk: every row
        stub = _QuerySet(compiled.queryset, runner)
        iterable = ValuesIterable if compiled.values_kind else ModelIterable
        return list(iterable(stub))  # type: ignore[arg-type]


def _statement(
    compiled: _Compiled, values: dict[str, Any], window: tuple[int, int] | None
) -> tuple[str, list[Any]]:
    params = [
        constant if slot is None else _item(values[slot[0]], slot[1])
        for constant, slot in zip(compiled.params, compiled.slots, strict=True)
    ]
    sql = compiled.sql
    if window is not None:
        sql += " LIMIT %s OFFSET %s"  # the same words in SQLite and PostgreSQL
        params += [window[1], window[0]]
    return sql, params


@dataclass(frozen=True)
class Statement:
    """A plain statement that returns rows (a SELECT, or a write with RETURNING, such as a throttle's
    upsert), to send with prepared reads in `run_together`; its answer is its rows as tuples."""

    sql: str
    params: tuple[Any, ...]

    def run(self) -> list[Any]:
        """The statement alone, on the default database."""
        with connections["default"].cursor() as cursor:
            cursor.execute(self.sql, list(self.params))
            return list(cursor.fetchall())


Read = tuple[Prepared, Hashable, dict[str, Any]]


def run_together(*calls: Read | Statement) -> list[list[Any]]:
    """Several statements, each a prepared read `(prepared, shape, values)` or a `Statement`, run in this
    order, with the answer of each: the rows as `run` gives them, a statement's tuples. On PostgreSQL they
    go in one round trip (psycopg's pipeline mode: all are sent, then all answers read; inside a
    transaction its BEGIN goes with them), through Django's cursors, so they are counted like any other
    (the wait for the answers falls in `fetchall`, after Django's execute wrappers: bench/breakdown.py
    counts it as the caller's time); elsewhere, or when a read cannot be prepared, one after the other.
    An error in one (e.g. the database refusing a write) is raised as it would be alone, and the
    transaction it happened in cannot go on, as always. Statements run on the default database."""
    plans: list[tuple[Statement | None, Read | None, _Compiled | None]] = []
    usings = set()
    for call in calls:
        if isinstance(call, Statement):
            plans.append((call, None, None))
            usings.add("default")
        else:
            prepared, shape, values = call
            plans.append((None, call, prepared._compiled(shape, values, None)))
            usings.add(prepared.using)
    connection = connections[usings.pop()] if len(usings) == 1 else None
    unprepared = any(read is not None and compiled is None for _s, read, compiled in plans)
    if connection is None or connection.vendor != "postgresql" or unprepared:
        return [_run_alone(call) for call in calls]
    sent: list[tuple[str, list[Any]]] = []
    for statement, read, compiled in plans:
        if statement is not None:
            sent.append((statement.sql, list(statement.params)))
        elif read is not None and compiled is not None and compiled.sql:  # no SQL: nothing to find
            sent.append(_statement(compiled, read[2], None))
    connection.ensure_connection()  # the pipeline is the open connection's, even with nothing sent
    cursors = [connection.cursor() for _ in sent]
    try:
        with connection.connection.pipeline():
            for cursor, (sql, params) in zip(cursors, sent, strict=True):
                cursor.execute(sql, params)
            answers = iter([cursor.fetchall() for cursor in cursors])
    finally:
        for cursor in cursors:
            cursor.close()
    out: list[list[Any]] = []
    for statement, read, compiled in plans:
        if statement is not None:
            out.append(list(next(answers)))
        elif read is not None and compiled is not None:
            out.append(read[0]._execute(compiled, read[2], None, next(answers) if compiled.sql else []))
    return out


def _run_alone(call: Read | Statement) -> list[Any]:
    if isinstance(call, Statement):
        return call.run()
    prepared, shape, values = call
    return prepared.run(shape, **values)


def _looks_like_stand_in(param: int | str) -> bool:
    if isinstance(param, str):
        return "\x00pme-prepared:" in param
    return _FIRST_INT <= param < _FIRST_INT + 1_000_000


def _item(value: Any, index: int) -> Any:
    return value[index] if isinstance(value, tuple) else value


def _stand_ins(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    number = _FIRST_INT
    for name, value in sorted(values.items()):
        if isinstance(value, tuple):
            out[name] = tuple(number + i for i in range(len(value)))
            number += len(value)
        elif isinstance(value, str):
            out[name] = f"\x00pme-prepared:{name}\x00"
        else:
            out[name] = number
            number += 1
    return out


def stand_in(model: type[Model], pk: int, **fields: Any) -> Model:
    """An unsaved instance with the given primary key and fields, for a builder that filters by an object
    (`prescriber=user`): only its pk reaches the SQL."""
    instance = model(**fields)
    instance.pk = pk
    return instance
