"""The error a whole file gets, and how a cell is named in messages."""


class FileError(Exception):
    """The file cannot be read at all; ``message`` is translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA": the column as the spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
