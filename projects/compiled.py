"""Queries compiled once per shape and run with each request's ids.

Building a queryset and compiling it to SQL is pure Python work that costs far more than the
database's answer for the editor's small queries (a dozen querysets of choices took 14 ms to
build and compile for a 0.4 ms query). A page asks the same queries for every project, only the
ids differ: `compile_once` keeps the SQL of a shape and fills in the ids.

It only does so when that is provably right. `build(**ids)` makes the queryset from integer ids
alone; the first time, it is built and compiled with two different sets of stand-in ids. The SQL
must be the same text, the parameters may differ only where a stand-in is, each stand-in must
appear as itself and every id must be used. So the SQL is a function of the ids as parameters:
nothing computed from them, nothing read from the database while building. Otherwise (and when a
queryset cannot be compiled, such as one that is certainly empty) the caller builds and runs the
queryset on every call as usual. `shape` names everything else that changes what `build` makes
(flags, a role) and is part of the key, with the ids' names and the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models.query import get_related_populators

_COMPILED: dict = {}


@dataclass(frozen=True)
class _Slot:
    name: str


@dataclass
class Compiled:
    sql: str
    params: list  # constants, and a _Slot where an id goes
    compiler: object  # the first stand-in compilation's: select, klass_info, converters
    meta: object  # what prepare() returned besides the queryset

    def execute(self, ids: dict) -> list:
        values = [ids[p.name] if isinstance(p, _Slot) else p for p in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, values)
            return cursor.fetchall()


def compile_once(shape, build, ids: dict, prepare=None) -> Compiled | None:
    """The compiled query of `build(**ids)` (or of `prepare(build(**ids))[0]`, prepare also
    returning what the caller keeps with it), or None if it may not be kept (see above)."""
    key = (shape, tuple(sorted(ids)), connection.alias, connection.vendor)
    if key not in _COMPILED:
        _COMPILED[key] = _compile(build, ids, prepare)
    return _COMPILED[key]


# Within the range of every integer column (a smallint is at most 32767): Django writes a
# comparison with a number out of its column's range as a constant condition, without the
# parameter.
def _stand_ins(ids: dict, n: int) -> dict:
    return {name: 30_001 + 500 * n + i for i, name in enumerate(sorted(ids))}


def _compile(build, ids: dict, prepare):
    compiled = []
    for n in (1, 2):
        built = build(**_stand_ins(ids, n))
        queryset, meta = prepare(built) if prepare else (built, None)
        if queryset is None:
            return None
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):
            return None
        compiled.append((sql, list(params), compiler, meta))
    (sql, first, compiler, meta), (other_sql, second, _c, _m) = compiled
    if sql != other_sql or len(first) != len(second):
        return None
    names = [{v: k for k, v in _stand_ins(ids, n).items()} for n in (1, 2)]
    params = []
    for a, b in zip(first, second, strict=True):
        named_a = names[0].get(a) if type(a) is int else None
        named_b = names[1].get(b) if type(b) is int else None
        if named_a is not None and named_a == named_b:
            params.append(_Slot(named_a))
        elif a == b and named_a is None and named_b is None:
            params.append(a)
        else:
            return None
    if {p.name for p in params if isinstance(p, _Slot)} != set(ids):
        return None  # an id left out of the SQL: not the plain parameter it should be
    return Compiled(sql, params, compiler, meta)


def instances(shape, build, **ids) -> list:
    """`list(build(**ids))`, the model instances (with select_related objects and
    annotations) built from the compiled query's rows as Django's ModelIterable builds them."""
    compiled = compile_once(shape, build, ids)
    if compiled is None:
        return list(build(**ids))
    compiler = compiled.compiler
    rows = compiler.results_iter([compiled.execute(ids)])
    select, klass_info = compiler.select, compiler.klass_info
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, connection.alias)
    annotations = compiler.annotation_col_map.items()
    result = []
    for row in rows:
        instance = model.from_db(connection.alias, attnames, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in annotations:
            setattr(instance, name, row[position])
        result.append(instance)
    return result


def keep_prefetched(instance, name: str, rows: list) -> None:
    """Keep `rows` as the prefetched result of instance.<name>.all(), as prefetch_related
    would have."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = getattr(instance, "_prefetched_objects_cache", {})
    instance._prefetched_objects_cache[name] = queryset
