"""Pages of 抽评 under /evaluation/ (included by the app's urls.py, namespace evaluation)."""

from django.urls import path

from . import views_spot as v

urlpatterns = [
    path("spot-checks/", v.SpotCheckListView.as_view(), name="spot_checks"),
    path("spot-checks/draw/", v.SpotCheckDrawView.as_view(), name="spot_check_draw"),
    path("spot-checks/<int:pk>/", v.SpotCheckDetailView.as_view(), name="spot_check"),
    path("spot-checks/<int:pk>/reveal/", v.SpotCheckRevealView.as_view(), name="spot_check_reveal"),
    path("spot-checks/<int:pk>/record.json", v.SpotCheckRecordView.as_view(), name="spot_check_record"),
    path("spot-checks/<int:pk>/assign/", v.SpotCheckAssignView.as_view(), name="spot_check_assign"),
    path("spot-checks/<int:pk>/step/", v.SpotCheckStepView.as_view(), name="spot_check_step"),
    path("spot-checks/<int:pk>/publish/", v.SpotCheckPublishView.as_view(), name="spot_check_publish"),
    path("spot-checks/<int:pk>/comparison.xlsx", v.SpotCheckXlsxView.as_view(), name="spot_check_xlsx"),
    path("spot-check-items/<int:pk>/", v.SpotItemView.as_view(), name="spot_item"),
    path("spot-check-items/<int:pk>/sign/", v.SpotItemSignView.as_view(), name="spot_item_sign"),
    path("spot-check-items/<int:pk>/sheet.docx", v.SpotItemDocxView.as_view(), name="spot_item_docx"),
]
