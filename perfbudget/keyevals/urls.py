"""Pages of 重点评价 under /key-evaluations/."""

from .urls_report import urlpatterns as report_urls

app_name = "keyevals"

urlpatterns = [
    *report_urls,
]
