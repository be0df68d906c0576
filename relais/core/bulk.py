"""Set-based writes shared by the domains."""

from django.db import connection


def update_rows(model, fields, rows: list[tuple]) -> None:
    """Set ``fields`` on many rows with one parameterised UPDATE run by ``executemany``; each
    row gives the fields' values, then the primary key.

    ``bulk_update`` builds a CASE expression per row and field in Python, about 1 ms a row
    (2.8 s for 2,400 rows on SQLite, where a whole rescoring this way takes 0.23 s).
    """
    if not rows:
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    prepare = [field.get_db_prep_save for field in columns]
    params = [
        (
            *(to_db(value, connection) for to_db, value in zip(prepare, row[:-1], strict=True)),
            row[-1],
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
