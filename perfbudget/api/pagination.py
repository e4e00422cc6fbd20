"""Pagination of every API list: `{"count", "next", "previous", "results"}`, `?page=` and `?page_size=`."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Page numbers with a caller-chosen page size (50 by default, at most 500)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
