import datetime

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

# The one place the base app imports an app above it: officer scopes live with officer accounts in
# candidates, and the base app's admin must scope registration points and the audit log by them.
from candidates.scopes import county_scope_q, is_province_officer, officer_scope
from zikao import services, workbench
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
    """The province reads everyone's audit log; every other officer reads their own actions."""

    list_display = ["created_at", "actor_label", "action_text", "object_link", "from_state", "to_state", "reason"]
    list_filter = [AuditActionFilter, "object_type"]
    search_fields = ["object_id", "actor_label"]
    list_select_related = ["actor"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and officer_scope_or_superuser(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if is_province_officer(request.user) else queryset.filter(actor=request.user)

    @admin.display(description="操作", ordering="action")
    def action_text(self, obj):
        return obj.action_label

    @admin.display(description="对象")
    def object_link(self, obj):
        url = workbench.admin_url_for(obj.object_type, obj.object_id)
        text = workbench.object_text(obj)
        return format_html('<a href="{}">{}</a>', url, text) if url else text

    def get_urls(self):
        return [
            path("my-work/", self.admin_site.admin_view(self.my_work_view), name="zikao_auditevent_my_work"),
            *super().get_urls(),
        ]

    def my_work_view(self, request):
        """我的今日工作: the officer's own decisions of a day, in Chinese, each linking to its object."""
        try:
            day = datetime.date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = timezone.localdate()
        events = workbench.my_work(request.user, day)
        counts = {}
        for event in events:
            counts[event.label] = counts.get(event.label, 0) + 1
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"我的工作（{day:%Y年%m月%d日}）",
            "events": events,
            "counts": sorted(counts.items(), key=lambda item: -item[1]),
            "day": day,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1) if day < timezone.localdate() else None,
        }
        return TemplateResponse(request, "admin/workbench/my_work.html", context)


def officer_scope_or_superuser(user):
    return user.is_superuser or officer_scope(user) is not None
