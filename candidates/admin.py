from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from candidates.models import Candidate, EnrolledRecord, OfficerScope, User
from candidates.scopes import county_scope_q


class OfficerScopeInline(admin.StackedInline):
    model = OfficerScope
    can_delete = False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [OfficerScopeInline]
    list_display = ["username", "is_staff", "is_active", "last_login"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_id_number", "ticket_number", "county", "kind", "identity_status"]
    list_filter = ["kind", "identity_status", "county__city"]
    # Exact ID number only (never a partial match on identity numbers).
    search_fields = ["name", "=ticket_number", "=id_number"]
    readonly_fields = ["user", "id_number", "ticket_number", "identity_status", "identity_approved_at", "created_at"]

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return obj.masked_id_number

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("county__city").filter(county_scope_q(request.user))


@admin.register(EnrolledRecord)
class EnrolledRecordAdmin(admin.ModelAdmin):
    list_display = ["name", "ticket_number", "county", "imported_at", "activated_at"]
    search_fields = ["name", "=ticket_number", "=id_number"]
    list_filter = ["county__city"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("county__city").filter(county_scope_q(request.user))
