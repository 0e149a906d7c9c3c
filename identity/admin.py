"""Officers' review of identity submissions (人工审核), scoped to their county / city / province.

Nothing here edits or deletes: decisions are buttons that lead to a
confirmation page and call the same services as the automatic checks.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from candidates.admin_lookup import IdNumberLookupMixin
from identity import services
from identity.forms import ApproveForm, InPersonForm, RejectForm
from identity.models import CheckResult, IdentitySubmission
from identity.selectors import officer_submissions
from zikao.audit import events_of
from zikao.errors import DomainError
from zikao.selectors import counties
from zikao.views_helpers import admin_page_context, domain_error_message

Status = IdentitySubmission.Status
PROBLEM_OUTCOMES = [CheckResult.Outcome.FAILED, CheckResult.Outcome.UNCERTAIN]

STATUS_LABELS = dict(Status.choices)

DECISIONS = {
    "approve": ("通过", ApproveForm, "identity.decide_identitysubmission"),
    "reject": ("不通过", RejectForm, "identity.decide_identitysubmission"),
    "in_person": ("现场核验通过", InPersonForm, "identity.verify_identity_in_person"),
}


class CountyFilter(admin.SimpleListFilter):
    title = "报名区县"
    parameter_name = "county"

    def lookups(self, request, model_admin):
        codes = (
            model_admin.get_queryset(request).order_by().values_list("candidate__county", flat=True).distinct()
        )
        return [(county.code, county.full_name) for county in counties(codes)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(candidate__county_id=self.value())
        return queryset


class ProblemCheckFilter(admin.SimpleListFilter):
    title = "未通过 / 存疑的检查项"
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return CheckResult.Name.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                check_results__name=self.value(), check_results__outcome__in=PROBLEM_OUTCOMES
            ).distinct()
        return queryset


@admin.register(IdentitySubmission)
class IdentitySubmissionAdmin(IdNumberLookupMixin, admin.ModelAdmin):
    list_display = [
        "candidate_name", "masked_id_number", "ticket_number", "county", "attempt_label", "status",
        "problems", "thumbnails", "submitted_at", "decided_label",
    ]
    list_display_links = ["candidate_name"]
    list_filter = ["status", CountyFilter, ("submitted_at", admin.DateFieldListFilter), ProblemCheckFilter]
    # Admin search travels in the URL (?q=); ID numbers never do: the exact-ID lookup
    # is a POST form (IdNumberLookupMixin) that redirects by primary key.
    search_fields = ["=candidate__ticket_number", "candidate__name"]
    search_help_text = "可按准考证号（精确）或姓名查找；按身份证号请用下方的精确查找。"
    list_per_page = 30
    ordering = ["-submitted_at"]
    change_form_template = "identity/admin/submission_change_form.html"
    fieldsets = [
        ("考生", {"fields": ["candidate_name", "id_number", "ticket_number", "candidate_kind", "county"]}),
        ("申请", {"fields": ["attempt", "status", "submitted_at", "check_started_at", "check_runs", "checked_at"]}),
        ("决定", {"fields": ["decided_at", "decided_label", "decision_method", "reasons_text"]}),
    ]
    readonly_fields = [
        "candidate_name", "id_number", "ticket_number", "candidate_kind", "county", "attempt", "status",
        "submitted_at", "check_started_at", "check_runs", "checked_at", "decided_at", "decided_label",
        "decision_method", "reasons_text",
    ]

    def get_queryset(self, request):
        return officer_submissions(request.user).prefetch_related("photos", "check_results")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decisions go through the buttons below, never by editing fields

    def has_delete_permission(self, request, obj=None):
        return False

    # --- columns -----------------------------------------------------------------------
    @admin.display(description="姓名", ordering="candidate__name")
    def candidate_name(self, obj):
        return obj.candidate.name

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return obj.candidate.masked_id_number

    @admin.display(description="身份证号")
    def id_number(self, obj):
        return obj.candidate.id_number

    @admin.display(description="准考证号")
    def ticket_number(self, obj):
        return obj.candidate.ticket_number or "—"

    @admin.display(description="考生类型")
    def candidate_kind(self, obj):
        return obj.candidate.get_kind_display()

    @admin.display(description="报名区县", ordering="candidate__county")
    def county(self, obj):
        return obj.candidate.county.full_name

    @admin.display(description="次数", ordering="attempt")
    def attempt_label(self, obj):
        return f"第{obj.attempt}次"

    @admin.display(description="未通过 / 存疑")
    def problems(self, obj):
        found = [result for result in obj.check_results.all() if result.outcome in PROBLEM_OUTCOMES]
        if not found:
            return "—" if obj.checked_at else "尚未检查"
        return format_html_join(
            "", '<div class="identity-problem identity-{}">{}：{}</div>',
            ((r.outcome, r.get_name_display(), r.get_outcome_display()) for r in found),
        )

    @admin.display(description="照片")
    def thumbnails(self, obj):
        images = format_html_join(
            "", '<img src="{}?size=thumb" alt="{}" width="52" height="52" style="object-fit:cover">',
            ((reverse("identity_photo", args=[photo.pk]), photo.get_slot_display()) for photo in obj.photos.all()),
        )
        return format_html('<div style="display:flex;gap:3px;min-width:162px">{}</div>', images)

    @admin.display(description="审核人")
    def decided_label(self, obj):
        if obj.decided_by_id:
            return obj.decided_by.get_username()
        if obj.decided_automatically:
            return "系统自动"
        return "—"

    @admin.display(description="告知考生的原因")
    def reasons_text(self, obj):
        return format_html_join("", "<div>{}. {}</div>", enumerate(obj.reasons or [], 1)) or "—"

    # --- review page ---------------------------------------------------------------------------
    def available_decisions(self, request, submission):
        decisions = services.allowed_decisions(actor=request.user, submission=submission)
        return [(code, DECISIONS[code][0]) for code in decisions]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        submission = self.get_queryset(request).filter(pk=object_id).first()
        extra_context = extra_context or {}
        if submission is not None:
            extra_context.update(
                photos=list(submission.photos.all()),
                check_results=list(submission.check_results.all()),
                events=[
                    {
                        "at": event.created_at,
                        "who": event.actor_label,
                        "what": event.action_label,
                        "from": STATUS_LABELS.get(event.from_state, event.from_state),
                        "to": STATUS_LABELS.get(event.to_state, event.to_state),
                        "reason": event.reason,
                    }
                    for event in events_of(submission)
                ],
                decisions=self.available_decisions(request, submission),
                submission=submission,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decide/<slug:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="identity_identitysubmission_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, object_id, decision):
        """Confirmation page (GET) and the decision itself (POST), through identity.services."""
        if decision not in DECISIONS:
            raise Http404
        label, form_class, permission = DECISIONS[decision]
        if not request.user.has_perm(permission):
            raise PermissionDenied
        submission = self.get_queryset(request).filter(pk=object_id).first()
        if submission is None:
            raise Http404("没有找到该申请，或该考生不在您的管辖范围内。")
        change_url = reverse("admin:identity_identitysubmission_change", args=[submission.pk])
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                if decision == "approve":
                    services.approve_identity(submission=submission, actor=request.user, note=form.cleaned_data["note"])
                elif decision == "in_person":
                    services.approve_identity(
                        submission=submission, actor=request.user, in_person=True, note=form.cleaned_data["note"]
                    )
                else:
                    services.reject_identity(
                        submission=submission, actor=request.user, reason_code=form.cleaned_data["reason"],
                        note=form.cleaned_data["note"],
                    )
            except DomainError as error:
                domain_error_message(request, error)
                return redirect(change_url)
            self.message_user(request, f"已{label}：{submission.candidate.name} 第{submission.attempt}次身份验证。", messages.SUCCESS)
            return redirect(change_url)
        context = admin_page_context(
            self, request, title=f"确认{label}", label=label, decision=decision, form=form, submission=submission,
            photos=list(submission.photos.all()), change_url=change_url,
        )
        return TemplateResponse(request, "identity/admin/decide.html", context)
