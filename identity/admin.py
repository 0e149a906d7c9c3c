"""Officers' review of identity submissions (人工审核), scoped to their county / city / province.

Nothing here edits or deletes: decisions are buttons that lead to a
confirmation page and call the same services as the automatic checks.
"""

import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from candidates.admin_lookup import IdNumberLookupMixin
from candidates.scopes import by_scope
from identity import services
from identity.admin_desk import InPersonDeskMixin
from identity.forms import ApproveForm, InPersonForm, RejectForm
from identity.models import CheckResult, IdentitySubmission
from identity.selectors import officer_submissions
from zikao.admin import ReadOnlyAdmin
from zikao.audit import events_of
from zikao.errors import DomainError
from zikao.selectors import counties
from zikao.views_helpers import admin_page_context, domain_error_message
from zikao.workbench import Decision, Queue, WorkbenchMixin

Status = IdentitySubmission.Status
PROBLEM_OUTCOMES = [CheckResult.Outcome.FAILED, CheckResult.Outcome.UNCERTAIN]

STATUS_LABELS = dict(Status.choices)

DECISIONS = {
    "approve": ("通过", ApproveForm, "identity.decide_identitysubmission"),
    "reject": ("不通过", RejectForm, "identity.decide_identitysubmission"),
    "in_person": ("现场核验通过", InPersonForm, "identity.verify_identity_in_person"),
}


def _waiting_for(user):
    """Cases wait for the county and city offices that decide them; the province supervises."""
    if not user.has_perm("identity.decide_identitysubmission"):
        return Q(pk__in=[])
    return by_scope(user, everything=Q(pk__in=[]), nothing=Q(pk__in=[]), city=lambda s: Q(), county=lambda s: Q())


IDENTITY_QUEUE = Queue(
    key="identity_review",
    label="身份验证人工审核",
    open_q=Q(status=Status.NEEDS_REVIEW),
    waiting_for=_waiting_for,
    since="submitted_at",
    city="candidate__county__city",
    overdue_days=3,
    export_columns=(
        ("姓名", lambda s: s.candidate.name),
        ("身份证号", lambda s: s.candidate.masked_id_number),
        ("准考证号", lambda s: s.candidate.ticket_number or ""),
        ("报名区县", lambda s: s.candidate.county.full_name),
        ("次数", lambda s: s.attempt),
        ("状态", lambda s: s.get_status_display()),
        ("提交时间", lambda s: timezone.localtime(s.submitted_at).strftime("%Y-%m-%d %H:%M")),
        ("未通过 / 存疑", lambda s: "；".join(
            f"{r.get_name_display()}：{r.get_outcome_display()}" for r in s.check_results.all()
            if r.outcome in PROBLEM_OUTCOMES)),
    ),
)


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
class IdentitySubmissionAdmin(WorkbenchMixin, InPersonDeskMixin, IdNumberLookupMixin, ReadOnlyAdmin):
    queue = IDENTITY_QUEUE

    class Media:
        css = {"all": ["css/identity-admin.css"]}
    list_display = [
        # No ticket-number column: searchable, and on the review page; the list must fit 1280 px.
        "candidate_name", "masked_id_number", "county", "attempt_label", "status",
        "problems", "thumbnails", "submitted_short", "decided_label",
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
            "", '<img src="{}?size=thumb" alt="{}" width="52" height="52" class="identity-thumb">',
            ((reverse("identity_photo", args=[photo.pk]), photo.get_slot_display()) for photo in obj.photos.all()),
        )
        return format_html('<div class="identity-thumbs">{}</div>', images)

    @admin.display(description="提交时间", ordering="submitted_at")
    def submitted_short(self, obj):
        return timezone.localtime(obj.submitted_at).strftime("%m-%d %H:%M")

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

    def workbench_decisions(self, request, submission):
        url = lambda code: reverse("admin:identity_identitysubmission_decide", args=[submission.pk, code])  # noqa: E731
        return [
            # 通过 needs nothing more than the click; 不通过 and 现场核验 open their form in the bar.
            Decision(
                label, url(code), form=None if code == "approve" else DECISIONS[code][1](prefix=code),
                refuse=code == "reject",
            )
            for code, label in self.available_decisions(request, submission)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        submission = self.get_queryset(request).filter(pk=object_id).first()
        extra_context = extra_context or {}
        if submission is not None:
            extra_context.update(
                photos=list(submission.photos.all()),
                check_results=sorted(submission.check_results.all(), key=_problems_first),
                reused=_reused_submission(request, self, submission),
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
        # The decision bar posts prefixed forms (several on one page); the confirmation page does not.
        prefix = decision if request.POST.get("_next") else None
        form = form_class(request.POST or None, prefix=prefix)
        if request.method == "POST" and form.is_valid():
            if request.POST.get("_next"):
                return self.workbench_finish(
                    request, submission, lambda: self._decide(request, submission, decision, form),
                    f"已{label}：{submission.candidate.name} 第{submission.attempt}次身份验证。",
                )
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
        if request.method == "POST" and request.POST.get("_next"):
            for error in [e for errors in form.errors.values() for e in errors]:
                self.message_user(request, error, messages.ERROR)
            return redirect(self.wb_change_url(request, submission))
        context = admin_page_context(
            self, request, title=f"确认{label}", label=label, decision=decision, form=form, submission=submission,
            photos=list(submission.photos.all()), change_url=change_url,
        )
        return TemplateResponse(request, "identity/admin/decide.html", context)

    def _decide(self, request, submission, decision, form):
        note = form.cleaned_data["note"]
        if decision == "reject":
            return services.reject_identity(
                submission=submission, actor=request.user, reason_code=form.cleaned_data["reason"], note=note
            )
        return services.approve_identity(
            submission=submission, actor=request.user, in_person=decision == "in_person", note=note
        )


def _problems_first(result):
    order = {CheckResult.Outcome.FAILED: 0, CheckResult.Outcome.UNCERTAIN: 1}
    return (order.get(result.outcome, 2), result.pk)


def _reused_submission(request, model_admin, submission):
    """The other submission a 免冠照重复 check names, with its headshot, if the officer may see it."""
    for result in submission.check_results.all():
        if result.name != CheckResult.Name.REUSED_HEADSHOT or result.outcome == CheckResult.Outcome.PASSED:
            continue
        match = re.search(r"第 (\d+) 号验证申请", result.detail)
        if not match:
            continue
        other = model_admin.get_queryset(request).filter(pk=int(match.group(1))).first()
        if other is None:
            return {"number": match.group(1), "visible": False}
        headshot = next((p for p in other.photos.all() if p.slot == "headshot"), None)
        return {
            "number": other.pk, "visible": True, "submission": other, "photo": headshot,
            "url": reverse("admin:identity_identitysubmission_change", args=[other.pk]),
        }
    return None
