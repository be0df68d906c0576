"""Set-based inserts for the demo: rows are tuples, written with ``cursor.executemany``.

Primary keys are assigned here (from ``MAX(id) + 1``), so no ``RETURNING`` round trip is
needed to link children to parents; PostgreSQL sequences are moved past them at the end.
The same code runs on SQLite and PostgreSQL. Ids are read inside the seed's transaction;
seed while nobody else writes to these tables (a demo or a fresh database).
"""

from datetime import date

from django.core.management.color import no_style
from django.db import connections

CHUNK_SIZE = 5000


def insert_sql(connection, model, fields: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    params = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({params})"


class Table:
    """Rows waiting to be inserted into one model's table; ``fields`` starts with ``id``."""

    def __init__(self, writer, model, fields: tuple[str, ...], next_id: int):
        self.writer = writer
        self.model = model
        self.fields = fields
        self.sql = insert_sql(writer.connection, model, fields)
        self.next_id = next_id
        self.rows: list[tuple] = []
        self.count = 0

    def new_id(self) -> int:
        pk = self.next_id
        self.next_id += 1
        return pk

    def append(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK_SIZE:
            self.flush()

    def take_ids(self, count: int) -> int:
        """Reserve ``count`` consecutive ids; returns the first."""
        first = self.next_id
        self.next_id += count
        return first

    def flush_if_full(self) -> None:
        """For hot loops that append to ``rows`` directly and check now and then."""
        if len(self.rows) >= CHUNK_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.writer.executemany(self.sql, self.rows)
            self.count += len(self.rows)
            self.rows = []


class BulkWriter:
    """Hands out :class:`Table` buffers and writes them; call :meth:`finish` at the end."""

    def __init__(self, using: str = "default"):
        self.connection = connections[using]
        self.tables: list[Table] = []
        self.dates: dict[int, object] = {}  # proleptic ordinal → adapted date
        self._cursor = None

    def table(self, model, fields: tuple[str, ...]) -> Table:
        table = Table(self, model, fields, self._max_id(model) + 1)
        self.tables.append(table)
        return table

    def _max_id(self, model) -> int:
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            pk, table = quote(model._meta.pk.column), quote(model._meta.db_table)
            cursor.execute(f"SELECT MAX({pk}) FROM {table}")
            return cursor.fetchone()[0] or 0

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        if self._cursor is None:
            self._cursor = self.connection.cursor()
        self._cursor.executemany(sql, rows)

    def execute(self, sql: str, params=None) -> int:
        """One set-based statement (``INSERT … SELECT``, ``UPDATE``) through the writer's
        cursor, so that a recording writer replays it too; returns the rows it touched."""
        if self._cursor is None:
            self._cursor = self.connection.cursor()
        self._cursor.execute(sql, params)
        return self._cursor.rowcount

    def date(self, ordinal: int):
        """A date (given as a proleptic ordinal) adapted for the database, cached."""
        value = self.dates.get(ordinal)
        if value is None:
            value = self.connection.ops.adapt_datefield_value(date.fromordinal(ordinal))
            self.dates[ordinal] = value
        return value

    def datetime(self, value):
        return self.connection.ops.adapt_datetimefield_value(value)

    def finish(self) -> dict[str, int]:
        """Flush every buffer (parents first) and move sequences past the assigned ids."""
        for table in self.tables:
            table.flush()
        models = [table.model for table in self.tables]
        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        self.close()
        return {table.model._meta.label: table.count for table in self.tables}

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None


class RecordingWriter(BulkWriter):
    """A writer that also keeps every (sql, rows) batch, to replay them elsewhere (bench)."""

    def __init__(self, using: str = "default"):
        super().__init__(using)
        self.batches: list[tuple[str, list[tuple]]] = []

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        super().executemany(sql, rows)
        self.batches.append((sql, rows))

    def execute(self, sql: str, params=None) -> int:
        touched = super().execute(sql, params)
        self.batches.append((sql, [params if params is not None else ()]))
        return touched
