"""Writing and matching thousands of rows at once, for imports.

On PostgreSQL: one array parameter instead of a placeholder per value, ids taken
from the sequence and rows loaded with COPY. Elsewhere (SQLite, the demo) the
ORM's own bulk operations. Both roads give the same rows; the tests run both on
PostgreSQL (``use_fast_path`` can be switched off).
"""

from __future__ import annotations

from contextlib import nullcontext

from django.db import connection, models
from django.db.backends.utils import CursorDebugWrapper
from django.db.models.expressions import RawSQL
from django.utils import timezone


def use_fast_path() -> bool:
    """PostgreSQL gets array parameters and COPY."""
    return connection.vendor == "postgresql"


UNNEST = {"text": "SELECT unnest(%s::text[])", "bigint": "SELECT unnest(%s::bigint[])"}


def among(values, db_type: str):
    """The right-hand side of ``field__in`` for thousands of values.

    On PostgreSQL one array parameter: a placeholder per value costs more to build,
    send and plan than the query takes to run."""
    values = list(values)
    if use_fast_path():
        return RawSQL(UNNEST[db_type], (values,))  # noqa: S611 - constant SQL, values as a parameter
    return values


def insert_rows(
    model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]
) -> list[int]:
    """Insert rows (values in the order of ``columns``, by attname); their new ids, in order.

    Fields not among the columns get what the ORM gives them: their default, or now."""
    if not rows:
        return []
    if use_fast_path():
        return copy_rows(model, columns, rows)
    created = model.objects.bulk_create(
        model(**dict(zip(columns, row, strict=True))) for row in rows
    )
    return [obj.pk for obj in created]


def copy_rows(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """PostgreSQL: take the ids from the table's sequence, then COPY all rows in one go."""
    meta, quote, now = model._meta, connection.ops.quote_name, timezone.now()
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in columns]
    filled = tuple(
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_db_prep_save(f.get_default(), connection)
        for f in rest
    )
    names = [meta.pk, *(meta.get_field(name) for name in columns), *rest]
    # Table and column names come from the model, never from the file.
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(meta.db_table), ", ".join(quote(f.column) for f in names)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(meta.db_table), meta.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        _copy_in(cursor, sql, ((pk, *row, *filled) for pk, row in zip(ids, rows, strict=True)))
    return ids


def _copy_in(cursor, sql: str, rows) -> None:
    """COPY … FROM STDIN, run like any statement: through Django's execute wrappers and
    error translation, and in the query log (so query counts and timings include it)."""

    def copy(sql, params, many, context):
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as stream:
            for row in rows:
                stream.write_row(row)

    # Django has no public hook for COPY; these are the two its own execute() goes through.
    logged = cursor.debug_sql(sql) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
    with logged:
        cursor._execute_with_wrappers(sql, None, many=False, executor=copy)
