"""The organisation export (导出机构): what the user sees, in the import's columns, parents first."""

from django.utils.translation import gettext as _
from django.views import View

from perfbudget.core.http import file_response
from perfbudget.core.importexport import write_table
from perfbudget.core.views_import import PageMixin

from .choices import OrgKind
from .importers import ORG_SPEC
from .models import Organisation


class OrganisationExportView(PageMixin, View):
    """The organisations the user sees, in the import's columns (parents before children), as .xlsx."""

    page = "organisations"  # the same people who may import organisations may export them

    def get(self, request):
        kinds = [OrgKind.SECTION, OrgKind.DEPARTMENT, OrgKind.UNIT] if request.user.is_superuser \
            else [OrgKind.DEPARTMENT, OrgKind.UNIT]
        orgs = (Organisation.objects.visible_to(request.user).filter(kind__in=kinds)
                .select_related("region", "parent", "funding_section").order_by("path"))
        return file_response(write_table(ORG_SPEC, orgs.iterator(chunk_size=2000)), _("机构列表") + ".xlsx")
