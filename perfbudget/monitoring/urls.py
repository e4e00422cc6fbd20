"""Pages of the monitoring stage (运行监控) under /monitoring/."""

from .urls_dashboard import urlpatterns as dashboard_urls
from .urls_execution import urlpatterns as execution_urls

app_name = "monitoring"

urlpatterns = [
    *execution_urls,
    *dashboard_urls,
]
