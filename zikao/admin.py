from django.contrib import admin

# The one place the base app imports an app above it: officer scopes live with officer accounts in
# candidates, and the base app's admin must scope registration points and the audit log by them.
from candidates.scopes import county_scope_q, is_province_officer
from zikao import services
from zikao.audit import AuditAction
from zikao.models import AuditEvent, BusinessWindow, Notice, RegistrationPoint


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "published_at", "created_by"]
    list_filter = ["category", "published_at"]
    search_fields = ["title"]
    date_hierarchy = "published_at"

    def save_model(self, request, obj, form, change):
        if change:
            services.update_notice(notice=obj, actor=request.user, fields=form.changed_data)
        else:
            services.publish_notice(notice=obj, actor=request.user)

    def delete_model(self, request, obj):
        services.delete_notice(notice=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for notice in queryset:
            services.delete_notice(notice=notice, actor=request.user)


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

    def save_model(self, request, obj, form, change):
        services.update_registration_point(point=obj, actor=request.user, fields=form.changed_data)

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


class AuditActionFilter(admin.SimpleListFilter):
    """操作, by its Chinese label (the column stores the action's code)."""

    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return AuditAction.choices

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at", "actor_label", "action_display", "object_type", "object_id", "from_state", "to_state",
    ]
    list_filter = [AuditActionFilter, "object_type"]
    search_fields = ["object_id", "actor_label"]

    @admin.display(description="操作", ordering="action")
    def action_display(self, obj):
        return obj.action_label

    def has_view_permission(self, request, obj=None):
        return is_province_officer(request.user) and super().has_view_permission(request, obj)
