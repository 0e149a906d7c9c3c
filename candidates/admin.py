from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from candidates.admin_lookup import IdNumberLookupMixin
from candidates.models import Candidate, EnrolledRecord, OfficerScope, User
from candidates.scopes import county_scope_q
from zikao.idnumbers import mask_id_number


class OfficerScopeInline(admin.StackedInline):
    model = OfficerScope
    can_delete = False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [OfficerScopeInline]
    list_display = ["username", "is_staff", "is_active", "last_login"]


@admin.register(Candidate)
class CandidateAdmin(IdNumberLookupMixin, admin.ModelAdmin):
    id_number_lookup_field = "id_number"

    list_display = ["name", "masked_id_number", "ticket_number", "county", "kind", "identity_status"]
    list_filter = ["kind", "identity_status", "county__city"]
    # Admin search travels in the URL (?q=), and ID numbers never do: search by
    # name or exact ticket number here, by ID number through IdNumberLookupMixin.
    search_fields = ["name", "=ticket_number"]
    readonly_fields = ["user", "id_number", "ticket_number", "identity_status", "identity_approved_at", "created_at"]

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return obj.masked_id_number

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("county__city").filter(county_scope_q(request.user))


@admin.register(EnrolledRecord)
class EnrolledRecordAdmin(IdNumberLookupMixin, admin.ModelAdmin):
    id_number_lookup_field = "id_number"

    list_display = ["name", "masked_id_number", "ticket_number", "county", "imported_at", "activated_at"]
    list_filter = ["county__city"]
    search_fields = ["name", "=ticket_number"]
    readonly_fields = ["imported_at", "updated_at", "activated_at"]

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("county__city").filter(county_scope_q(request.user))
