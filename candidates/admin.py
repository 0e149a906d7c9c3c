from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join

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
    readonly_fields = [
        "related_links", "user", "id_number", "ticket_number", "identity_status", "identity_approved_at", "created_at",
    ]

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return obj.masked_id_number

    @admin.display(description="相关业务")
    def related_links(self, obj):
        """The candidate's submissions, applications and orders, and the desk: no dead end."""
        links = [("身份验证申请", "identity_identitysubmission"), ("省内转考申请", "transfers_transferapplication")]
        if apps.is_installed("payments"):
            links.append(("订单", "payments_order"))
        items = []
        for label, name in links:
            try:
                url = reverse(f"admin:{name}_changelist")
            except NoReverseMatch:
                continue
            items.append((f"{url}?candidate__id__exact={obj.pk}", label))
        if not obj.is_approved:
            items.append((f"{reverse('admin:identity_in_person_desk')}?candidate={obj.pk}", "现场核验"))
        return format_html_join(" · ", '<a href="{}">{}</a>', items)

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
