"""The REST API under /api/: token login and the routed view sets (namespace "api")."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import evaluation, keyevals, pools
from .auth import TokenObtainView
from .execution import urlpatterns as execution_urls
from .goals import GoalViewSet
from .indicators import IndicatorViewSet
from .monitoring import MonitoringFormViewSet, NegativeListViewSet, RoundViewSet, WarningViewSet
from .views import OrganisationViewSet, ProjectYearViewSet, RegionViewSet

app_name = "api"

router = DefaultRouter()
router.register("projects", ProjectYearViewSet, basename="project")
router.register("regions", RegionViewSet, basename="region")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("goals", GoalViewSet, basename="goal")
router.register("monitoring/rounds", RoundViewSet, basename="monitoring-round")
router.register("monitoring/forms", MonitoringFormViewSet, basename="monitoring-form")
router.register("monitoring/warnings", WarningViewSet, basename="monitoring-warning")
router.register("negative-list", NegativeListViewSet, basename="negative-list")
evaluation.register(router)
pools.register(router)
keyevals.register(router)

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="token"),
    *execution_urls,
    *evaluation.urlpatterns,
    *pools.urlpatterns,
    *keyevals.urlpatterns,
    *router.urls,
]
