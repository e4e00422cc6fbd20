"""URL map: pages per app, the REST API under /api/, its schema and offline docs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("", include("perfbudget.core.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("projects/", include("perfbudget.projects.urls")),
    path("goals/", include("perfbudget.goals.urls")),
    path("monitoring/", include("perfbudget.monitoring.urls")),
    path("evaluation/", include("perfbudget.evaluation.urls")),
    path("key-evaluations/", include("perfbudget.keyevals.urls")),
    path("pools/", include("perfbudget.pools.urls")),
    path("indicators/", include("perfbudget.indicators.urls")),
    path("rulesets/", include("perfbudget.rulesets.urls")),
    path("orgs/", include("perfbudget.orgs.urls")),
    path("api/", include("perfbudget.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("admin/", admin.site.urls),
]
