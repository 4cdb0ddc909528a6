"""The few SQL expressions that differ between SQLite and PostgreSQL, each compiled
for the dialect the statement runs on: the query modules build one statement for
both (and SQLAlchemy caches it per dialect).

- `ids_in`: `col IN (ids)` with the ids bound as ONE JSON text (any number of ids, one
  cached statement): SQLite's json_each, PostgreSQL's json_array_elements_text.
- `tag_fold`: a tag name as tags are told apart. SQLite compares Tag.name with its
  NOCASE collation (ASCII letters only); PostgreSQL has no such collation, so the same
  fold is spelled out with translate() — and its unique index is on that expression
  (migration 0004), so tag identity is the same on both. domain.tag_key is the same
  fold in Python.
- `id_list`: a group's ids as one comma-separated text (group_concat / string_agg).
- `insert_ignoring`: an INSERT that skips rows already there (OR IGNORE / ON CONFLICT).
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import ColumnElement, Insert, Table, Text, bindparam, insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType, TypeEngine

UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase


class ids_in(FunctionElement[bool]):  # lower case: an SQL function's name
    """`col IN (ids)`, the ids bound as one JSON array."""

    # Not Boolean: SQLite has no boolean type, so SQLAlchemy would write a Boolean
    # function as `(... IN (...)) = 1`, which SQLite cannot look up by index — every
    # lookup of a few ids scanned all papers (100k: details of 1,000 85 -> 28 ms).
    type = cast(TypeEngine[bool], NullType())
    inherit_cache = True

    def __init__(
        self, col: ColumnElement[int] | InstrumentedAttribute[int], ids: Iterable[int]
    ) -> None:
        text = json.dumps([int(i) for i in ids])
        super().__init__(col, bindparam(None, text, type_=Text(), unique=True))


@compiles(ids_in)
def _ids_in_sqlite(element: ids_in, compiler: SQLCompiler, **kw: Any) -> str:
    col, ids = (compiler.process(c, **kw) for c in element.clauses)
    return f"{col} IN (SELECT value FROM json_each({ids}))"


@compiles(ids_in, "postgresql")
def _ids_in_pg(element: ids_in, compiler: SQLCompiler, **kw: Any) -> str:
    col, ids = (compiler.process(c, **kw) for c in element.clauses)
    each = f"json_array_elements_text(CAST({ids} AS JSON))"
    return f"{col} IN (SELECT CAST(value AS INTEGER) FROM {each})"


class tag_fold(FunctionElement[str]):
    """A tag name folded as the database tells tags apart (ASCII letters only)."""

    type = Text()
    inherit_cache = True


@compiles(tag_fold)
def _tag_fold_sqlite(element: tag_fold, compiler: SQLCompiler, **kw: Any) -> str:
    # the column itself: comparisons with it use its NOCASE collation, and its index
    return compiler.process(element.clauses, **kw)


@compiles(tag_fold, "postgresql")
def _tag_fold_pg(element: tag_fold, compiler: SQLCompiler, **kw: Any) -> str:
    return f"translate({compiler.process(element.clauses, **kw)}, '{UPPER}', '{LOWER}')"


# the expression of PostgreSQL's unique index on tags (migration 0004)
PG_TAG_KEY = f"translate(name, '{UPPER}', '{LOWER}')"


class id_list(FunctionElement[str]):
    """A group's integer ids as one text, comma-separated (in no particular order)."""

    type = Text()
    inherit_cache = True


@compiles(id_list)
def _id_list_sqlite(element: id_list, compiler: SQLCompiler, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


@compiles(id_list, "postgresql")
def _id_list_pg(element: id_list, compiler: SQLCompiler, **kw: Any) -> str:
    return f"string_agg(CAST({compiler.process(element.clauses, **kw)} AS TEXT), ',')"


def on_postgresql(s: Session) -> bool:
    """Does the session's statement run on PostgreSQL (a shared library) or SQLite?"""
    return s.get_bind().dialect.name == "postgresql"


def insert_ignoring(s: Session, table: Table) -> Insert:
    """INSERT INTO table that skips rows whose key is already there."""
    if on_postgresql(s):
        # imported here: PostgreSQL's dialect costs a SQLite library's command ~18 ms
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    return insert(table).prefix_with("OR IGNORE")
