"""Pages of 第三方机构库与专家库 under /pools/."""

from django.urls import path

from . import views, views_draws
from .views import AGENCY, EXPERT

app_name = "pools"


def _entry_urls(kind, plural):
    c = kind.code
    return [
        path(f"{plural}/", views.EntryListView.as_view(kind=kind), name=f"{c}_list"),
        path(f"{plural}/new/", views.EntryEditView.as_view(kind=kind), name=f"{c}_new"),
        path(f"{plural}/<int:pk>/", views.EntryDetailView.as_view(kind=kind), name=c),
        path(f"{plural}/<int:pk>/edit/", views.EntryEditView.as_view(kind=kind), name=f"{c}_edit"),
        path(f"{plural}/<int:pk>/vet/", views.VetView.as_view(kind=kind), name=f"{c}_vet"),
        path(f"{plural}/<int:pk>/violations/", views.RecordAddView.as_view(kind=kind, what="violation"),
             name=f"{c}_violation_add"),
        path(f"{plural}/<int:pk>/conflicts/", views.RecordAddView.as_view(kind=kind, what="conflict"),
             name=f"{c}_conflict_add"),
        path(f"{plural}/<int:pk>/ratings/", views.RecordAddView.as_view(kind=kind, what="rating"),
             name=f"{c}_rating_add"),
    ]


urlpatterns = [
    # The navigation links these two names.
    path("agencies/", views.EntryListView.as_view(kind=AGENCY), name="agencies"),
    path("experts/", views.EntryListView.as_view(kind=EXPERT), name="experts"),
    *_entry_urls(AGENCY, "agencies"),
    *_entry_urls(EXPERT, "experts"),
    path("ranking/", views.RankingView.as_view(), name="ranking"),
    path("draws/", views_draws.DrawListView.as_view(), name="draws"),
    path("draws/new/", views_draws.DrawCreateView.as_view(), name="draw_new"),
    path("draws/<int:pk>/", views_draws.DrawDetailView.as_view(), name="draw"),
    path("draws/<int:pk>/reveal/", views_draws.DrawRevealView.as_view(), name="draw_reveal"),
    path("draws/<int:pk>/record.json", views_draws.DrawRecordView.as_view(), name="draw_record"),
]
