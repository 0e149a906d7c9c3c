"""The officers' side of 省际转出: a scoped queue on the workbench (city check, province pre-check,
sent, transferred or returned), decisions through transfers.out (row lock, audit, message to the
candidate), and the photo of the signed 转出登记表 served to officers in scope only."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, When
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from candidates.admin_columns import CandidateColumnsMixin
from transfers import out, out_pdf, out_selectors
from transfers.forms import VerifyPrintoutForm
from transfers.out_forms import ReturnForm
from transfers.out_models import TransferOut
from transfers.out_views import signed_form_response
from zikao.admin import ReadOnlyAdmin
from zikao.timefmt import local_short
from zikao.views_helpers import admin_page_context, history_table
from zikao.workbench import Decision, Queue, WorkbenchMixin

Status = TransferOut.Status



TRANSFER_OUT_QUEUE = Queue(
    key="transfer_out_review",
    label="省际转出审核",
    open_q=Q(status__in=TransferOut.IN_REVIEW_STATUSES),
    waiting_for=out_selectors.awaiting_decision_q,
    # Each step waits from the end of the step before it.
    since=Case(
        When(status=Status.PENDING_PROVINCE, then=F("city_decided_at")),
        When(status=Status.SENT, then=F("province_decided_at")),
        default=F("confirmed_at"),
    ),
    city="from_city",
    overdue_days=5,
    refusal_presets=(
        "签字登记表照片不清晰，请重新拍照上传",
        "转入省准考证号有误",
        "转入省未接收，请与转入省考籍管理机构联系",
    ),
    export_columns=(
        ("申请编号", lambda a: a.number),
        ("姓名", lambda a: a.candidate.name),
        ("证件号码", lambda a: a.candidate.masked_id_number),
        ("准考证号", lambda a: a.candidate.ticket_number),
        ("报名区县", lambda a: a.from_county.full_name),
        ("转入省份", lambda a: a.target_province_name),
        ("转入省准考证号", lambda a: a.target_ticket_number),
        ("可转出课程数", lambda a: len(a.courses)),
        ("状态", lambda a: a.state_text),
        ("网上确认时间", lambda a: local_short(a.confirmed_at)),
    ),
)

BUTTONS = {
    "city_pass": ("审核通过", "transfers_out_city_pass", "通过后交省招考中心初审。"),
    "send": (
        "初审通过，报送全国平台",
        "transfers_out_send",
        "请在全国自考考籍转移平台上传该考生的考籍后再确认。",
    ),
    "close": (
        "确认已转出",
        "transfers_out_close",
        "转入省已接收：考生在山西的考籍关闭，此后不能再办理任何业务。",
    ),
}


class StatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(TransferOut)
class TransferOutAdmin(CandidateColumnsMixin, WorkbenchMixin, ReadOnlyAdmin):
    queue = TRANSFER_OUT_QUEUE
    decision_template = "transfers/admin/out_decision.html"
    decision_errors = (out.TransferOutError,)
    list_display = [
        "number",
        "candidate_name",
        "ticket_number",
        "from_county",
        "target",
        "state",
        "submitted_at",
    ]
    list_filter = [StatusFilter, ("window", admin.RelatedOnlyFieldListFilter), "from_city"]
    search_fields = ["=candidate__ticket_number", "candidate__name"]
    list_select_related = ["candidate", "from_county__city", "from_city"]
    list_per_page = 50
    change_list_template = "transfers/admin/out_change_list.html"
    fieldsets = [
        (
            "申请",
            {"fields": ["number", "window", "state", "submitted_at", "confirmed_at", "signed_form_link"]},
        ),
        ("考生", {"fields": ["candidate_name", "masked_id_number", "ticket_number", "from_county"]}),
        ("转出", {"fields": ["target", "target_ticket_number", "reason", "course_table"]}),
        (
            "审核",
            {
                "fields": [
                    "city_decided_by",
                    "city_decided_at",
                    "province_decided_by",
                    "province_decided_at",
                    "closed_by",
                    "closed_at",
                    "returned_by",
                    "returned_at",
                    "history",
                ]
            },
        ),
    ]
    readonly_fields = [
        "number",
        "window",
        "state",
        "submitted_at",
        "confirmed_at",
        "signed_form_link",
        "candidate_name",
        "masked_id_number",
        "ticket_number",
        "from_county",
        "target",
        "target_ticket_number",
        "reason",
        "course_table",
        "city_decided_by",
        "city_decided_at",
        "province_decided_by",
        "province_decided_at",
        "closed_by",
        "closed_at",
        "returned_by",
        "returned_at",
        "history",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(out_selectors.officer_scope_q(request.user))
            .select_related(
                "candidate",
                "from_county__city",
                "from_city",
                "window",
            )
        )

    # ------------------------------------------------------------------ columns

    @admin.display(description="申请编号", ordering="pk")
    def number(self, obj):
        return obj.number

    @admin.display(description="转入省份", ordering="target_province")
    def target(self, obj):
        return obj.target_province_name

    @admin.display(description="状态", ordering="status")
    def state(self, obj):
        return obj.state_text

    @admin.display(description="签字登记表照片")
    def signed_form_link(self, obj):
        if not obj.signed_form:
            return "尚未上传"
        url = reverse("admin:transfers_out_signed_form", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">查看照片</a>', url)

    @admin.display(description="可转出合格课程（登记表快照）")
    def course_table(self, obj):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((row["code"], row["name"], row["score"], row["sitting"], row["source"]) for row in obj.courses),
        )
        return format_html(
            "<table><thead><tr><th>课程代码</th><th>课程名称</th><th>成绩</th><th>合格考次</th><th>来源</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="审核记录")
    def history(self, obj):
        return history_table(obj, Status.choices)

    # ------------------------------------------------------------------ urls and decisions

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/city-pass/", wrap(self.city_pass_view), name="transfers_out_city_pass"),
            path("<int:pk>/send/", wrap(self.send_view), name="transfers_out_send"),
            path("<int:pk>/close/", wrap(self.close_view), name="transfers_out_close"),
            path("<int:pk>/return/", wrap(self.return_view), name="transfers_out_return"),
            path("<int:pk>/signed-form/", wrap(self.signed_form_view), name="transfers_out_signed_form"),
            path("verify/", wrap(self.verify_view), name="transfers_out_verify"),
        ] + super().get_urls()

    def workbench_decisions(self, request, obj):
        decisions = []
        for name in out.allowed_decisions(officer=request.user, application=obj):
            if name == "return":
                decisions.append(
                    Decision(
                        "退回",
                        reverse("admin:transfers_out_return", args=[obj.pk]),
                        form=ReturnForm(),
                        refuse=True,
                        presets=self.queue.refusal_presets,
                        preset_field="reason",
                        note="考生会看到退回原因；转出时间内可修改后重新确认。",
                    )
                )
            else:
                label, url_name, note = BUTTONS[name]
                decisions.append(Decision(label, reverse(f"admin:{url_name}", args=[obj.pk]), note=note))
        return decisions

    def _application(self, request, pk):
        if not (
            request.user.has_perm("transfers.decide_out_city")
            or request.user.has_perm("transfers.decide_out_province")
        ):
            raise PermissionDenied
        return out_selectors.get_officer_application(user=request.user, pk=pk)

    def _step_view(self, request, pk, decision, service, success):
        application = self._application(request, pk)
        label, _url_name, note = BUTTONS[decision]
        if request.method == "POST":
            return self.workbench_finish(
                request,
                application,
                lambda: service(officer=request.user, application=application),
                success.format(number=application.number),
            )
        return self.decision_page(
            request, application, title=f"{label}：{application.number}", button=f"确认{label}", note=note
        )

    def city_pass_view(self, request, pk):
        return self._step_view(
            request, pk, "city_pass", out.pass_city_check, "已审核通过 {number}，交省招考中心初审。"
        )

    def send_view(self, request, pk):
        return self._step_view(
            request, pk, "send", out.send_transfer_out, "{number} 已初审通过并标记为已报送全国平台。"
        )

    def close_view(self, request, pk):
        return self._step_view(
            request, pk, "close", out.close_transfer_out, "{number} 已确认转出，考生在山西的考籍已关闭。"
        )

    def return_view(self, request, pk):
        application = self._application(request, pk)
        form = ReturnForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            seen = application.status
            return self.workbench_finish(
                request,
                application,
                lambda: out.return_transfer_out(
                    officer=request.user,
                    application=application,
                    reason=form.cleaned_data["reason"],
                    expected_status=seen,
                ),
                f"已退回 {application.number}，考生将看到退回原因。",
            )
        return self.decision_page(
            request,
            application,
            title=f"退回：{application.number}",
            button="确认退回",
            form=form,
            danger=True,
        )

    def signed_form_view(self, request, pk):
        """The signed form's photo, to officers whose scope covers the application (404 otherwise)."""
        if not request.user.has_perm("transfers.view_transferout"):
            raise PermissionDenied
        application = out_selectors.get_officer_application(user=request.user, pk=pk)
        if not application.signed_form:
            raise Http404
        return signed_form_response(application)

    def verify_view(self, request):
        """打印件核验 of a 转出登记表: genuine, and is it the application's current snapshot?"""
        if not request.user.has_perm("transfers.view_transferout"):
            raise PermissionDenied
        form = VerifyPrintoutForm(request.POST or None)
        result = None
        if request.method == "POST" and form.is_valid():
            number = form.cleaned_data["number"]
            pk = int(number[2:]) if number.startswith("ZC") and number[2:].isdigit() else None
            application = (
                out_selectors.officer_applications(request.user).filter(pk=pk).first() if pk else None
            )
            if application is None:
                result = {"ok": False, "text": "未找到该申请编号，或该申请不在您的管辖范围内。"}
            elif out_pdf.check_form(
                application, printed_at=form.cleaned_data["printed_at"], code=form.cleaned_data["code"]
            ):
                result = {
                    "ok": True,
                    "application": application,
                    "text": f"核验通过：该登记表由本平台出具，内容与申请 {application.number} 当前的登记信息一致"
                    f"（{application.state_text}）。",
                    "change_url": reverse("admin:transfers_transferout_change", args=[application.pk]),
                }
            else:
                result = {
                    "ok": False,
                    "text": "核验码与申请编号、打印时间不符：该登记表不是本平台出具的，"
                    "或内容已被改动，或考生之后修改过申请。",
                }
        context = admin_page_context(self, request, title="转出登记表核验", form=form, result=result)
        return TemplateResponse(request, "transfers/admin/out_verify.html", context)
