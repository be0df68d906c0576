"""Pagination of list pages that stays light on big, annotated, searched querysets."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Window

TOTAL = "paginator_total"


class ListPaginator(Paginator):
    """A ``Paginator`` of an ordered queryset that counts and pages in one query.

    - The page's ids and the number of rows come from one query: the filter, the order, the
      LIMIT/OFFSET and ``COUNT(*) OVER ()`` — no annotation (the ids query selects none), no
      second scan for a separate ``COUNT(*)``: sorting the matching rows reads them all anyway.
    - The page's rows are then read whole by those ids, so the annotations (correlated
      sub-queries) run for the page's rows only.
    - A page past the end finds no row and so no count: then one ``COUNT(*)`` (unused
      annotations dropped by Django) finds the last page, as ``get_page`` wants.

    Queries: 2 a page (1 when the list is empty), 4 for a page number past the end.
    """

    def validate_number(self, number):
        """An integer ≥ 1; whether the page exists is known once it is read (``page``)."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def get_page(self, number):
        """The page ``number``, the first if it is not a number, the last if it is past it."""
        try:
            return super().get_page(number)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        found = list(
            self.object_list.annotate(**{TOTAL: Window(Count("*"))}).values_list("pk", TOTAL)[
                bottom : bottom + self.per_page
            ]
        )
        if not found and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        self.__dict__["count"] = found[0][1] if found else 0  # ``count`` is a cached_property
        rank = {pk: index for index, (pk, _total) in enumerate(found)}
        rows = sorted(self.object_list.filter(pk__in=list(rank)), key=lambda row: rank[row.pk])
        return self._get_page(rows, number, self)
