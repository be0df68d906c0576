"""Import and export of the housing stock, households and leases (CSV and XLSX).

``formats`` says what the columns are, ``readers`` turns a file into rows, ``validation``
checks them, ``importers`` writes them (all or nothing), ``exporters`` writes them back out.
"""
