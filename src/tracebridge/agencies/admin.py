from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from tracebridge.agencies.models import Agency, ApiToken, AuditEvent, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "country", "name")
    search_fields = ("code", "name")


@admin.register(User)
class TraceBridgeUserAdmin(UserAdmin):
    list_display = ("username", "agency", "role", "is_active", "last_login")
    list_filter = ("agency", "role", "is_active")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Agency", {"fields": ("agency", "role")}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "agency", "action", "object_type", "object_id", "outcome")
    list_filter = ("agency", "outcome", "action")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
