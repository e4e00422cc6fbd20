"""System administration of regions, organisations, users and role grants (superusers)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import FiscalYear, Organisation, Region, RoleGrant, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region", "parent", "funding_section", "is_active")
    list_filter = ("kind", "region")
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "funding_section")


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ("year", "status")


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1
    raw_id_fields = ("organisation",)


@admin.register(User)
class PerfUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "is_active", "is_superuser")
    fieldsets = UserAdmin.fieldsets + (("PerfBudget", {"fields": ("display_name", "phone")}),)
    inlines = [RoleGrantInline]
