from django.contrib import admin

from .models import FunctionClass


@admin.register(FunctionClass)
class FunctionClassAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
