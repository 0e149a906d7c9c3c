"""毕业申请 in admin: the county office pre-checks, the province decides. Scoped through
records.graduation_selectors, every decision through records.graduation (row lock, audit, message),
declared once as a workbench queue (docs/workbench.md)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, When
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from candidates.admin_columns import CandidateColumnsMixin
from exams.models import Major
from identity.storage import private_image_response
from records import graduation, graduation_pdf, graduation_selectors
from records.graduation_forms import GraduationRemarkForm, VerifyRegistrationForm
from records.graduation_models import GraduationApplication
from zikao.admin import ReadOnlyAdmin
from zikao.audit import AuditAction, record_event
from zikao.timefmt import local_short
from zikao.views_helpers import admin_page_context, history_table
from zikao.workbench import Decision, Queue, WorkbenchMixin

Status = GraduationApplication.Status



_AT_PROVINCE = Q(status=Status.PENDING_PROVINCE)
GRADUATION_QUEUE = Queue(
    key="graduation_review",
    label="毕业申请审核",
    open_q=Q(status__in=[Status.PENDING_COUNTY, Status.PENDING_PROVINCE]),
    waiting_for=graduation_selectors.awaiting_decision_q,
    # The province's wait starts with the county's pre-check; the county's with the payment.
    since=Case(When(_AT_PROVINCE, then=F("county_decided_at")), default=F("paid_at")),
    city="candidate__county__city",
    overdue_days=7,
    refusal_presets=(
        "毕业照片不符合要求，请上传浅色背景的近期免冠正面照片",
        "思想品德鉴定表未加盖公章",
        "思想品德鉴定表不清晰",
        "个人信息与档案不符，请到报名区县招考办核实",
    ),
    export_columns=(
        ("申请编号", lambda a: a.number),
        ("姓名", lambda a: a.candidate.name),
        ("证件号码", lambda a: a.candidate.masked_id_number),
        ("准考证号", lambda a: a.candidate.ticket_number),
        ("报名区县", lambda a: a.candidate.county.full_name),
        ("专业", lambda a: f"{a.major.code} {a.major.name}"),
        ("学分", lambda a: a.credits),
        ("状态", lambda a: a.state_text),
        ("毕业证书编号", lambda a: a.certificate_number or ""),
        ("缴费时间", lambda a: local_short(a.paid_at)),
    ),
)


class StatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


DECISION_BUTTONS = {
    "precheck": ("初审通过", "graduation_precheck", False),
    "refuse_precheck": ("初审不通过", "graduation_refuse_precheck", True),
    "approve": ("批准毕业", "graduation_approve", False),
    "reject": ("不批准", "graduation_reject", True),
}


@admin.register(GraduationApplication)
class GraduationApplicationAdmin(CandidateColumnsMixin, WorkbenchMixin, ReadOnlyAdmin):
    queue = GRADUATION_QUEUE
    decision_template = "records/graduation_admin_decision.html"
    decision_errors = (graduation.GraduationError,)
    list_display = ["number", "candidate_name", "ticket_number", "county", "major", "state_text", "paid_at"]
    list_filter = [StatusFilter, ("window", admin.RelatedOnlyFieldListFilter), "photo_needs_review"]
    search_fields = ["=candidate__ticket_number", "candidate__name", "=certificate_number"]
    list_select_related = ["candidate__county__city", "major"]
    list_per_page = 50
    change_list_template = "records/graduation_admin_change_list.html"
    fieldsets = [
        ("申请", {"fields": ["number", "window", "attempt", "state_text", "submitted_at", "paid_at"]}),
        ("考生", {"fields": ["candidate_name", "masked_id_number", "ticket_number", "county"]}),
        ("毕业条件", {"fields": ["major", "plan_version_text", "credits", "conditions_now"]}),
        ("材料", {"fields": ["photo_preview", "photo_check_text", "scan_link"]}),
        (
            "审核",
            {
                "fields": [
                    "county_decided_by",
                    "county_decided_at",
                    "province_decided_by",
                    "province_decided_at",
                    "graduation_date",
                    "certificate_number",
                    "history",
                ]
            },
        ),
    ]
    readonly_fields = [
        "number",
        "window",
        "attempt",
        "state_text",
        "submitted_at",
        "paid_at",
        "candidate_name",
        "masked_id_number",
        "ticket_number",
        "county",
        "major",
        "plan_version_text",
        "credits",
        "conditions_now",
        "photo_preview",
        "photo_check_text",
        "scan_link",
        "county_decided_by",
        "county_decided_at",
        "province_decided_by",
        "province_decided_at",
        "graduation_date",
        "certificate_number",
        "history",
    ]

    def get_queryset(self, request):
        return graduation_selectors.officer_applications(request.user)

    # ------------------------------------------------------------------ columns

    @admin.display(description="申请编号", ordering="pk")
    def number(self, obj):
        return obj.number

    @admin.display(description="报名区县")
    def county(self, obj):
        return obj.candidate.county.full_name

    @admin.display(description="状态", ordering="status")
    def state_text(self, obj):
        return obj.state_text

    @admin.display(description="计划版本")
    def plan_version_text(self, obj):
        return dict(Major.PlanVersion.choices).get(obj.plan_version, obj.plan_version)

    @admin.display(description="当前毕业条件")
    def conditions_now(self, obj):
        missing = graduation.check_conditions(obj.candidate).missing
        return "符合（按当前合格成绩重新核对）" if not missing else "不符合：" + "；".join(missing)

    @admin.display(description="毕业照片")
    def photo_preview(self, obj):
        url = reverse("admin:graduation_file", args=[obj.pk, "photo"])
        return format_html('<a href="{}"><img src="{}" alt="毕业照片" width="120"></a>', url, url)

    @admin.display(description="照片自动检查")
    def photo_check_text(self, obj):
        labels = {"passed": "通过", "failed": "不通过", "uncertain": "需人工确认"}
        names = {
            "face_count": "人脸数量",
            "background": "背景",
            "sharpness": "清晰度",
            "face_engine": "人脸识别引擎",
        }
        lines = format_html_join(
            "",
            "<li>{}：{}（{}）</li>",
            (
                (
                    names.get(check.get("name"), check.get("name")),
                    labels.get(check.get("outcome"), check.get("outcome")),
                    check.get("detail", ""),
                )
                for check in obj.photo_checks
            ),
        )
        note = "自动检查未能完全确认，请人工核对照片。" if obj.photo_needs_review else "自动检查通过。"
        return format_html("<p>{}</p><ul>{}</ul>", note, lines)

    @admin.display(description="思想品德鉴定表")
    def scan_link(self, obj):
        return format_html(
            '<a href="{}">查看扫描件</a>', reverse("admin:graduation_file", args=[obj.pk, "scan"])
        )

    @admin.display(description="审核记录")
    def history(self, obj):
        return history_table(obj, Status.choices)

    # ------------------------------------------------------------------ urls

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/precheck/", wrap(self.precheck_view), name="graduation_precheck"),
            path(
                "<int:pk>/refuse-precheck/",
                wrap(self.refuse_precheck_view),
                name="graduation_refuse_precheck",
            ),
            path("<int:pk>/approve/", wrap(self.approve_view), name="graduation_approve"),
            path("<int:pk>/reject/", wrap(self.reject_view), name="graduation_reject"),
            path("<int:pk>/file/<str:which>/", wrap(self.file_view), name="graduation_file"),
            path("verify/", wrap(self.verify_view), name="graduation_verify"),
        ] + super().get_urls()

    def workbench_decisions(self, request, obj):
        decisions = []
        for name in graduation.allowed_decisions(officer=request.user, application=obj):
            label, url_name, refuse = DECISION_BUTTONS[name]
            decisions.append(
                Decision(
                    label,
                    reverse(f"admin:{url_name}", args=[obj.pk]),
                    form=GraduationRemarkForm() if refuse else None,
                    refuse=refuse,
                    presets=self.queue.refusal_presets if refuse else (),
                    preset_field="remark",
                    note="批准后系统按批准日期确定毕业时间（上半年 06-30，下半年 12-30）并生成毕业证书编号。"
                    if name == "approve"
                    else "",
                )
            )
        return decisions

    def _application(self, request, pk, permission):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return graduation_selectors.get_officer_application(user=request.user, pk=pk)

    def _plain(self, request, pk, *, permission, service, title, button, success, note=""):
        application = self._application(request, pk, permission)
        if request.method == "POST":
            return self.workbench_finish(
                request,
                application,
                lambda: service(officer=request.user, application=application),
                success.format(number=application.number),
            )
        return self.decision_page(
            request, application, title=f"{title}：{application.number}", button=button, note=note
        )

    def _refuse(self, request, pk, *, permission, service, verb):
        application = self._application(request, pk, permission)
        form = GraduationRemarkForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self.workbench_finish(
                request,
                application,
                lambda: service(
                    officer=request.user, application=application, remark=form.cleaned_data["remark"]
                ),
                f"已{verb} {application.number}，考生将看到填写的原因。",
            )
        return self.decision_page(
            request,
            application,
            title=f"{verb}：{application.number}",
            button=f"确认{verb}",
            form=form,
            danger=True,
        )

    def precheck_view(self, request, pk):
        return self._plain(
            request,
            pk,
            permission="records.precheck_graduation",
            service=graduation.precheck_graduation,
            title="初审通过",
            button="确认初审通过",
            success="已初审通过 {number}，等待省招考中心审核。",
        )

    def refuse_precheck_view(self, request, pk):
        return self._refuse(
            request,
            pk,
            permission="records.precheck_graduation",
            service=graduation.refuse_precheck,
            verb="初审不通过",
        )

    def approve_view(self, request, pk):
        return self._plain(
            request,
            pk,
            permission="records.decide_graduation",
            service=graduation.approve_graduation,
            title="批准毕业",
            button="确认批准毕业",
            success="已批准 {number} 毕业，毕业证书编号已生成。",
            note="批准后系统按批准日期确定毕业时间（上半年 06-30，下半年 12-30）并生成毕业证书编号。",
        )

    def reject_view(self, request, pk):
        return self._refuse(
            request,
            pk,
            permission="records.decide_graduation",
            service=graduation.reject_graduation,
            verb="不批准",
        )

    def file_view(self, request, pk, which):
        """The photo or the scan, to officers whose scope covers the candidate (404 otherwise)."""
        application = self._application(request, pk, "records.view_graduationapplication")
        field = {"photo": application.photo, "scan": application.conduct_scan}.get(which)
        if field is None:
            raise PermissionDenied
        return private_image_response(field, filename=f"graduation-{application.number}-{which}.jpg")

    def verify_view(self, request):
        """登记表核验: was this 毕业生登记表 printed by the portal, unaltered?"""
        if not request.user.has_perm("records.view_graduationapplication"):
            raise PermissionDenied
        form = VerifyRegistrationForm(request.POST or None)
        result = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            number = data["number"]
            pk = int(number[2:]) if number.startswith("BY") and number[2:].isdigit() else None
            application = self.get_queryset(request).filter(pk=pk).first() if pk else None
            if application is None:
                result = {"ok": False, "text": "未找到该申请编号，或该申请不在您的管辖范围内。"}
            else:
                genuine = graduation_pdf.check_printout(
                    application, printed_at=data["printed_at"], code=data["code"]
                )
                record_event(
                    actor=request.user,
                    action=AuditAction.GRADUATION_VERIFY,
                    obj=application,
                    to_state="genuine" if genuine else "mismatch",
                    data={"printed_at": data["printed_at"]},
                )
                result = {
                    "ok": genuine,
                    "text": (
                        f"核验通过：该登记表由本平台出具。当前状态：{application.state_text}。"
                        if genuine
                        else "核验码与申请编号、打印时间不符：该登记表不是本平台出具的，或内容已被改动。"
                    ),
                }
        context = admin_page_context(self, request, title="毕业生登记表核验", form=form, result=result)
        return TemplateResponse(request, "records/graduation_admin_verify.html", context)
