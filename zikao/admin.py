from django.contrib import admin

from candidates.scopes import county_scope_q, is_province_officer
from zikao.models import AuditEvent, BusinessWindow, Notice, RegistrationPoint


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "published_at", "created_by"]
    list_filter = ["category", "published_at"]
    search_fields = ["title"]
    date_hierarchy = "published_at"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RegistrationPoint)
class RegistrationPointAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "address", "phone", "office_hours"]
    list_filter = ["county__city"]
    search_fields = ["name", "address", "county__name"]
    readonly_fields = ["county"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("county__city").filter(county_scope_q(request.user))

    def has_add_permission(self, request):
        return False  # one point per county, created with the reference data

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BusinessWindow)
class BusinessWindowAdmin(ReadOnlyAdmin):
    """Windows are opened and closed by operators with management commands, never here."""

    list_display = ["title", "kind", "opens_at", "closes_at"]
    list_filter = ["kind"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "object_type", "object_id", "from_state", "to_state"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label"]

    def has_view_permission(self, request, obj=None):
        return is_province_officer(request.user) and super().has_view_permission(request, obj)
