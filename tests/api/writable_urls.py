"""A test-only URL map: the real API plus a writable organisation view set built on ScopedViewSetMixin, to test
the write path later issues will use (scope re-check inside the transaction, 403 for read-only rows, change log)."""

from django.urls import include, path
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import SimpleRouter

from perfbudget.api.base import ScopedViewSetMixin
from perfbudget.orgs.models import Organisation, Region


class WritableOrganisationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())

    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "kind", "region", "parent"]


class WritableOrganisationViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                                  viewsets.ReadOnlyModelViewSet):
    model = Organisation
    serializer_class = WritableOrganisationSerializer


router = SimpleRouter()
router.register("organisations", WritableOrganisationViewSet, basename="writable-organisation")

urlpatterns = [
    path("api/", include("perfbudget.api.urls")),
    path("writable/", include(router.urls)),
]
