"""Shared pieces of the list pages' search filters (django-filter).

Integer query parameters are validated to the range the database can hold, so a crafted
value (``?residence=9223372036854775808``) is a form error answered 400 with a message, never
an ``OverflowError`` (500) from the database driver. django-filter's ``NumberFilter`` reads a
``Decimal`` with no bound; every integer filter of Relais is an :class:`IntegerFilter` instead
(``tests/core/test_filters.py`` walks every FilterSet to keep it so).
"""

from http import HTTPStatus

import django_filters
from django import forms

# Largest value of a 64-bit signed integer column (PostgreSQL bigint, SQLite INTEGER).
MAX_DB_INTEGER = 2**63 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A whole number between ``min_value`` (default 1, as ids) and ``max_value``."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = MAX_DB_INTEGER, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


def filter_status(request, filterset) -> int:
    """400 when the query string does not validate (the page shows why), else 200.

    An htmx live search gets 200 with its (empty) results: htmx swaps no error response, and
    the person is still typing.
    """
    if filterset.is_bound and not filterset.is_valid() and not request.htmx:
        return HTTPStatus.BAD_REQUEST
    return HTTPStatus.OK
