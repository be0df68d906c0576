"""Import and export of the housing stock, households and leases (CSV and XLSX); the shared
machinery of every import (the applications import plugs its columns into it).

``formats`` says what the columns are, ``readers`` and ``xlsx`` turn a file into rows (or
refuse it), ``cells`` reads one value, ``validation`` checks the rows, ``service`` runs an
import all or nothing, ``writing`` writes (in a job: batches with an undo journal), ``jobs``
runs large files in the background, ``importers`` holds the housing importers, ``exporters``
writes the rows back out. See docs/import-formats.md and docs/decisions/0004, 0022, 0023.
"""
