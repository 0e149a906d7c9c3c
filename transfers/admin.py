"""The officers' side of the in-province transfer: scoped queue, two-step review, CSV export,
printout verification.

Every screen reads through transfers.selectors (scope) and every decision goes
through transfers.services (row lock, audit, message to the candidate).
"""

from urllib.parse import quote

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, When
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from candidates.admin_columns import CandidateColumnsMixin
from candidates.admin_lookup import IdNumberLookupMixin
from transfers import pdf, selectors, services
from transfers.forms import AcceptForm, RemarkForm, VerifyPrintoutForm
from transfers.models import TransferApplication
from zikao.admin import ReadOnlyAdmin
from zikao.models import BusinessWindow
from zikao.selectors import windows_of_kind
from zikao.timefmt import local_short
from zikao.views_helpers import admin_page_context, history_table
from zikao.workbench import Decision, Queue, WorkbenchMixin

Status = TransferApplication.Status



class StatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class AwaitingMeFilter(admin.SimpleListFilter):
    """待我审核: what this officer's office has to decide now."""

    title = "审核任务"
    parameter_name = "task"

    @staticmethod
    def _decides(user):
        return user.has_perm("transfers.decide_origin") or user.has_perm("transfers.decide_destination")

    def lookups(self, request, model_admin):
        return [("mine", "待我审核")] if self._decides(request.user) else []

    def queryset(self, request, queryset):
        if self.value() != "mine" or not self._decides(request.user):
            return queryset
        return queryset.filter(selectors.awaiting_decision_q(request.user))


_AT_DESTINATION = Q(status=Status.PENDING_DESTINATION)
TRANSFER_QUEUE = Queue(
    key="transfer_review",
    label="省内转考审核",
    open_q=Q(status__in=[Status.PENDING_ORIGIN, Status.PENDING_DESTINATION]),
    waiting_for=selectors.awaiting_decision_q,
    # The receiving city's wait starts when the original city released the application.
    since=Case(When(_AT_DESTINATION, then=F("origin_decided_at")), default=F("submitted_at")),
    city=Case(When(_AT_DESTINATION, then=F("to_city")), default=F("from_city")),
    overdue_days=5,
    refusal_presets=("转入市无对应报名点", "材料不齐，请补充后重新申请", "不符合转考条件", "考生已申请撤回"),
    export_columns=(
        ("申请编号", lambda a: a.number),
        ("姓名", lambda a: a.candidate.name),
        ("证件号码", lambda a: a.candidate.masked_id_number),
        ("准考证号", lambda a: a.candidate.ticket_number),
        ("原报名区县", lambda a: a.from_county.full_name),
        ("转入市", lambda a: a.to_city.name),
        ("状态", lambda a: a.remark_text),
        ("申请时间", lambda a: local_short(a.submitted_at, seconds=True)),
    ),
)


@admin.register(TransferApplication)
class TransferApplicationAdmin(CandidateColumnsMixin, WorkbenchMixin, IdNumberLookupMixin, ReadOnlyAdmin):
    queue = TRANSFER_QUEUE
    list_display = [
        "number", "candidate_name", "ticket_number", "from_county", "to_city", "state_text", "submitted_at",
    ]
    list_filter = [StatusFilter, ("window", admin.RelatedOnlyFieldListFilter), "from_city", "to_city"]
    # Exact matches only for numbers (no partial look-ups of identifiers).
    search_fields = ["=number", "=candidate__ticket_number", "candidate__name"]
    list_select_related = ["candidate", "from_county__city", "to_city", "to_county__city"]
    date_hierarchy = "submitted_at"
    list_per_page = 50
    actions = ["release_selected"]
    change_form_template = "transfers/admin/change_form.html"
    change_list_template = "transfers/admin/change_list.html"
    fieldsets = [
        ("申请", {"fields": ["number", "window", "state_text", "submitted_at"]}),
        ("考生", {"fields": ["candidate_name", "masked_id_number", "ticket_number", "current_county"]}),
        ("转考", {"fields": ["from_city", "from_county", "to_city", "to_county"]}),
        ("审核", {"fields": [
            "origin_decided_by", "origin_decided_at", "destination_decided_by", "destination_decided_at",
            "withdrawn_at", "history",
        ]}),
    ]
    readonly_fields = [
        "number", "window", "state_text", "submitted_at", "candidate_name", "masked_id_number", "ticket_number",
        "current_county", "from_city", "from_county", "to_city", "to_county", "origin_decided_by",
        "origin_decided_at", "destination_decided_by", "destination_decided_at", "withdrawn_at", "history",
    ]

    # ------------------------------------------------------------------ scope and permissions

    def get_queryset(self, request):
        return super().get_queryset(request).filter(selectors.officer_scope_q(request.user))

    # ------------------------------------------------------------------ columns

    @admin.display(description="考生现报名区县")
    def current_county(self, obj):
        return obj.candidate.county.full_name

    @admin.display(description="状态 / 备注", ordering="status")
    def state_text(self, obj):
        return obj.remark_text

    @admin.display(description="审核记录")
    def history(self, obj):
        return history_table(obj, Status.choices)

    # ------------------------------------------------------------------ urls

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/release/", wrap(self.release_view), name="transfers_release"),
            path("<int:pk>/refuse-release/", wrap(self.refuse_release_view), name="transfers_refuse_release"),
            path("<int:pk>/accept/", wrap(self.accept_view), name="transfers_accept"),
            path("<int:pk>/refuse-acceptance/", wrap(self.refuse_acceptance_view), name="transfers_refuse_acceptance"),
            path("export/", wrap(self.export_view), name="transfers_export"),
            path("verify/", wrap(self.verify_view), name="transfers_verify"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if (
            self.get_object(request, object_id) is None and object_id.isdigit()
            and selectors.awaiting_origin_for_destination(user=request.user, pk=int(object_id))
        ):
            # Not Django's "不存在。可能已经被删除了？": the application exists and will come.
            self.message_user(request, "该申请尚待原属地市审核，原属地市同意转出后才会转到本市审核。", messages.WARNING)
            return HttpResponseRedirect(self.wb_list_url(request))
        return super().change_view(request, object_id, form_url, extra_context)

    def _decisions(self, request, obj):
        buttons = {
            "release": ("同意转出", "transfers_release", "default"),
            "refuse_release": ("不同意转出", "transfers_refuse_release", ""),
            "accept": ("同意转入", "transfers_accept", "default"),
            "refuse_acceptance": ("不同意转入", "transfers_refuse_acceptance", ""),
        }
        return [
            {"label": label, "url": reverse(f"admin:{name}", args=[obj.pk]), "css": css, "name": name}
            for label, name, css in (
                buttons[decision] for decision in services.allowed_decisions(officer=request.user, application=obj)
            )
        ]

    # ------------------------------------------------------------------ decision pages

    def _decision_application(self, request, pk, permission):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return selectors.get_officer_application(user=request.user, pk=pk)

    def _change_url(self, application):
        return reverse("admin:transfers_transferapplication_change", args=[application.pk])

    def _render_decision(self, request, application, *, title, button, form=None, danger=False, note=""):
        context = admin_page_context(
            self, request, title=title, application=application, form=form, button=button, danger=danger,
            note=note, change_url=self._change_url(application),
        )
        return TemplateResponse(request, "transfers/admin/decision.html", context)

    def _done(self, request, application, call, success):
        return self.workbench_finish(request, application, call, success)

    def workbench_decisions(self, request, obj):
        presets = self.queue.refusal_presets
        forms = {
            "transfers_refuse_release": RemarkForm(), "transfers_refuse_acceptance": RemarkForm(),
            "transfers_accept": AcceptForm(counties=services.destination_counties(obj)),
        }
        notes = {
            "transfers_release": f"同意后，申请将交由{obj.to_city.name}招考办审核转入。",
            "transfers_accept": "同意后考生的报名区县立即变更为所选区县，准考证号不变。",
        }
        return [
            Decision(
                d["label"], d["url"], form=forms.get(d["name"]), refuse=not d["css"],
                presets=presets if not d["css"] else (), preset_field="remark", note=notes.get(d["name"], ""),
            )
            for d in self._decisions(request, obj)
        ]

    def release_view(self, request, pk):
        application = self._decision_application(request, pk, "transfers.decide_origin")
        if request.method == "POST":
            return self._done(
                request, application,
                lambda: services.release_transfer(officer=request.user, application=application),
                f"已同意转出 {application.number}，等待{application.to_city.name}招考办审核。",
            )
        return self._render_decision(
            request, application, title=f"同意转出：{application.number}", button="确认同意转出",
            note=f"同意后，申请将交由{application.to_city.name}招考办审核转入。",
        )

    def _refuse_view(self, request, pk, *, permission, refuse, verb):
        """不同意转出 / 不同意转入: the same page, a reason the candidate will read, a different service."""
        application = self._decision_application(request, pk, permission)
        form = RemarkForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self._done(
                request, application,
                lambda: refuse(officer=request.user, application=application, remark=form.cleaned_data["remark"]),
                f"已{verb} {application.number}，考生将看到填写的原因。",
            )
        return self._render_decision(
            request, application, title=f"{verb}：{application.number}", button=f"确认{verb}", form=form, danger=True,
        )

    def refuse_release_view(self, request, pk):
        return self._refuse_view(
            request, pk, permission="transfers.decide_origin", refuse=services.refuse_release, verb="不同意转出",
        )

    def accept_view(self, request, pk):
        application = self._decision_application(request, pk, "transfers.decide_destination")
        form = AcceptForm(request.POST or None, counties=services.destination_counties(application))
        if request.method == "POST" and form.is_valid():
            county = form.cleaned_data["to_county"]
            return self._done(
                request, application,
                lambda: services.accept_transfer(officer=request.user, application=application, to_county=county),
                f"已同意转入 {application.number}，考生报名区县已变更为{county.full_name}。",
            )
        return self._render_decision(
            request, application, title=f"同意转入：{application.number}", button="确认同意转入", form=form,
            note="同意后考生的报名区县立即变更为所选区县，准考证号不变。",
        )

    def refuse_acceptance_view(self, request, pk):
        return self._refuse_view(
            request, pk, permission="transfers.decide_destination", refuse=services.refuse_acceptance,
            verb="不同意转入",
        )

    @admin.action(description="同意转出所选的申请", permissions=["decide_origin"])
    def release_selected(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            context = admin_page_context(
                self, request, title="同意转出所选的申请",
                applications=queryset,
                action="release_selected",
                action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
            )
            return TemplateResponse(request, "transfers/admin/confirm_release.html", context)
        done, refused = 0, []
        for application in queryset:
            try:
                services.release_transfer(officer=request.user, application=application)
                done += 1
            except services.TransferError as error:
                refused.append(f"{application.number}：{error.message}")
        if done:
            self.message_user(request, f"已同意转出 {done} 份申请。", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)
        return None

    def has_decide_origin_permission(self, request):
        return request.user.has_perm("transfers.decide_origin")

    # ------------------------------------------------------------------ export

    def export_view(self, request):
        """Choose a window (GET), then download its applications within the officer's scope as CSV."""
        if not request.user.has_perm("transfers.export_transferapplication"):
            raise PermissionDenied
        windows = windows_of_kind(BusinessWindow.Kind.IN_PROVINCE_TRANSFER)
        window_id = request.GET.get("window", "")
        if not window_id.isdigit():
            context = admin_page_context(self, request, title="导出省内转考申请（CSV）", windows=windows)
            return TemplateResponse(request, "transfers/admin/export.html", context)
        window = get_object_or_404(windows, pk=int(window_id))
        body = services.export_applications(officer=request.user, window=window)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f"attachment; filename=\"transfers-{window.pk}-{stamp}.csv\"; "
            f"filename*=UTF-8''{quote(f'省内转考申请-{window.title}-{stamp}.csv')}"
        )
        return response

    # ------------------------------------------------------------------ printout verification

    def verify_view(self, request):
        """打印件核验: is this printout genuine, and is its state still current?"""
        if not request.user.has_perm("transfers.view_transferapplication"):
            raise PermissionDenied
        form = VerifyPrintoutForm(request.POST or None)
        result = None
        if request.method == "POST" and form.is_valid():
            application = (
                selectors.officer_applications(request.user).filter(number=form.cleaned_data["number"]).first()
            )
            if application is None:
                result = {"ok": False, "text": "未找到该申请编号，或该申请不在您的管辖范围内。"}
            else:
                printed_status = pdf.check_printout(
                    application, printed_at=form.cleaned_data["printed_at"].strip(), code=form.cleaned_data["code"]
                )
                if printed_status is None:
                    result = {"ok": False, "text": "核验码与申请编号、打印时间不符：该打印件不是本平台出具的，或内容已被改动。"}
                else:
                    current = application.remark_text
                    same = printed_status == application.status
                    result = {
                        "ok": True,
                        "text": f"核验通过：该打印件由本平台出具，打印时状态为“{Status(printed_status).label}”。",
                        "current": f"当前状态：{current}" + ("（与打印时一致）" if same else "（打印后已变化，请以当前状态为准）"),
                        "application": application,
                        "change_url": self._change_url(application),
                    }
        context = admin_page_context(self, request, title="打印件核验", form=form, result=result)
        return TemplateResponse(request, "transfers/admin/verify.html", context)



# 省际转出 (transfers/out_admin.py): registering its ModelAdmin.
from transfers import out_admin  # noqa: E402, F401
