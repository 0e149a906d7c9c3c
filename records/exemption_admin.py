"""免考审核 in admin: county → city → province, each office its own step, course by course, with the
certificate photos beside the ticked courses. A queue of the officers' workbench (docs/workbench.md).

Every screen reads through records.exemption_selectors (scope); every decision is a call of
records.exemptions.decide_step / approve_all (row locks, audit)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse

from candidates.admin_columns import CandidateColumnsMixin
from records import exemption_selectors as selectors
from records import exemptions as services
from records.exemption_forms import StepDecisionForm
from records.exemption_models import ExemptionApplication
from zikao.admin import ReadOnlyAdmin
from zikao.models import BusinessWindow
from zikao.selectors import windows_of_kind
from zikao.timefmt import local_short
from zikao.views_helpers import admin_page_context, history_table
from zikao.workbench import Decision, Queue, WorkbenchMixin

Status = ExemptionApplication.Status



EXEMPTION_QUEUE = Queue(
    key="exemption_review",
    label="免考审核",
    open_q=Q(status__in=ExemptionApplication.PENDING_STATUSES),
    waiting_for=selectors.awaiting_decision_q,
    # Each office's wait starts when the office before it decided.
    since=Case(
        When(status=Status.PENDING_CITY, then=F("county_decided_at")),
        When(status=Status.PENDING_PROVINCE, then=F("city_decided_at")),
        default=F("submitted_at"),
    ),
    city="county__city",
    overdue_days=5,
    refusal_presets=("证书信息与原件不符", "证书照片不清晰，无法核对", "原课程名称与本专业课程不同", "原课程学分低于计划学分"),
    export_columns=(
        ("申请编号", lambda a: a.number),
        ("姓名", lambda a: a.candidate.name),
        ("证件号码", lambda a: a.candidate.masked_id_number),
        ("准考证号", lambda a: a.candidate.ticket_number),
        ("报名区县", lambda a: a.county.full_name),
        ("免考依据", lambda a: a.rule.name),
        ("状态", lambda a: a.get_status_display()),
        ("申请时间", lambda a: local_short(a.submitted_at)),
    ),
)


@admin.register(ExemptionApplication)
class ExemptionApplicationAdmin(CandidateColumnsMixin, WorkbenchMixin, ReadOnlyAdmin):
    queue = EXEMPTION_QUEUE
    decision_errors = (services.ExemptionError,)
    change_list_template = "records/admin/exemption_change_list.html"
    list_display = ["number_link", "candidate_name", "ticket_number", "county", "rule", "status", "submitted_at"]
    list_display_links = ["number_link"]
    list_filter = ["status", ("window", admin.RelatedOnlyFieldListFilter), "rule"]
    search_fields = ["=candidate__ticket_number", "candidate__name"]
    list_select_related = ["candidate", "county__city", "rule"]
    fieldsets = [
        ("证书原件照片与申请免考的课程", {"fields": ["review"]}),
        ("申请", {"fields": ["number", "window", "status", "submitted_at", "published_at"]}),
        ("考生", {"fields": ["candidate_name", "masked_id_number", "ticket_number", "county"]}),
        ("证书", {"fields": ["rule", "certificate_number", "issuer", "issued_on"]}),
        ("审核", {"fields": [
            "county_decided_by", "county_decided_at", "city_decided_by", "city_decided_at",
            "province_decided_by", "province_decided_at", "history",
        ]}),
    ]
    readonly_fields = [
        "review", "number", "window", "status", "submitted_at", "published_at", "candidate_name", "masked_id_number",
        "ticket_number", "county", "rule", "certificate_number", "issuer", "issued_on", "county_decided_by",
        "county_decided_at", "city_decided_by", "city_decided_at", "province_decided_by", "province_decided_at",
        "history",
    ]

    class Media:
        css = {"all": ["records/exemptions.css"]}

    def get_queryset(self, request):
        return selectors.officer_applications(request.user)

    @admin.display(description="申请编号", ordering="pk")
    def number_link(self, obj):
        return obj.number

    @admin.display(description="申请编号")
    def number(self, obj):
        return obj.number

    @admin.display(description="审核记录")
    def history(self, obj):
        return history_table(obj, Status.choices)

    @admin.display(description="照片与课程")
    def review(self, obj):
        """The certificate photos side by side with the ticked courses and each office's opinion so far."""
        return render_to_string("records/admin/_exemption_review.html", {
            "application": obj, "photos": list(obj.photos.all()),
            "items": list(obj.items.select_related("course")),
        })

    # ------------------------------------------------------------------ review page

    def workbench_decisions(self, request, obj):
        if not services.may_decide(request.user, obj):
            return []
        items = services.items_to_decide(obj)
        label = {"county": "县区", "city": "市", "province": "省"}[obj.step]
        note = ("省级审核为终审，同意的课程将记入考生合格成绩（来源：免考）。" if obj.step == "province"
                else "同意的课程将交由上一级招考机构审核。")
        return [
            Decision("全部同意", reverse("admin:records_exemption_approve_all", args=[obj.pk, obj.status]), note=note),
            Decision(f"逐门审核（{label}）", reverse("admin:records_exemption_decide", args=[obj.pk, obj.status]),
                     form=StepDecisionForm(items=items), note=note),
        ]

    # ------------------------------------------------------------------ decisions

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/<str:expected>/", wrap(self.decide_view), name="records_exemption_decide"),
            path("<int:pk>/approve-all/<str:expected>/", wrap(self.approve_all_view),
                 name="records_exemption_approve_all"),
            path("publish/", wrap(self.publish_view), name="records_exemption_publish"),
            *super().get_urls(),
        ]

    def _decision_application(self, request, pk):
        if not request.user.has_perm("records.decide_exemption"):
            raise PermissionDenied
        return selectors.get_officer_application(user=request.user, pk=pk)

    def approve_all_view(self, request, pk, expected):
        application = self._decision_application(request, pk)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:records_exemptionapplication_change", args=[pk]))
        return self.workbench_finish(
            request, application,
            lambda: services.approve_all(officer=request.user, application=application, expected_status=expected),
            f"已审核 {application.number}：全部同意。",
        )

    def decide_view(self, request, pk, expected):
        application = self._decision_application(request, pk)
        form = StepDecisionForm(request.POST or None, items=services.items_to_decide(application))
        if request.method == "POST" and form.is_valid():
            return self.workbench_finish(
                request, application,
                lambda: services.decide_step(officer=request.user, application=application,
                                             verdicts=form.verdicts(), expected_status=expected),
                f"已提交 {application.number} 的审核意见。",
            )
        if request.method == "POST":
            for errors in form.errors.values():
                self.message_user(request, errors[0], messages.ERROR)
                break
        context = admin_page_context(
            self, request, title=f"逐门审核：{application.number}", application=application, form=form,
            photos=list(application.photos.all()),
        )
        return TemplateResponse(request, "records/admin/exemption_decision.html", context, status=400 if request.method == "POST" else 200)

    # ------------------------------------------------------------------ publication

    def publish_view(self, request):
        """发布审核结果 (province): per exemption window, how many are decided and unpublished, how
        many still under review; publishing one makes its results visible to the candidates."""
        if not request.user.has_perm("records.publish_exemption"):
            raise PermissionDenied
        windows = windows_of_kind(BusinessWindow.Kind.EXEMPTION)
        if request.method == "POST":
            window = get_object_or_404(windows, pk=request.POST.get("window") or 0)
            try:
                published, pending = services.publish_results(window=window, actor=request.user)
            except services.ExemptionError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                text = f"{window.title}：已发布审核结果 {published} 份。"
                if pending:
                    text += f"另有 {pending} 份尚未审核完成，审核完成后请再次发布。"
                self.message_user(request, text, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:records_exemption_publish"))
        rows = [
            (window, selectors.decided_unpublished(window).count(), selectors.pending_count(window))
            for window in windows
        ]
        context = admin_page_context(self, request, title="发布免考审核结果", rows=rows)
        return TemplateResponse(request, "records/admin/exemption_publish.html", context)
