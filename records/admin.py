"""Ledgers in admin: officers read those of the candidates in their scope and check printed
transcripts (成绩单核验). Entries are written by services only, never typed here."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from candidates.models import Candidate
from candidates.scopes import county_scope_q
from records import pdf
from records.forms import VerifyTranscriptForm
from records.models import PassedCourse
from zikao.admin import ReadOnlyAdmin
from zikao.audit import AuditAction, record_event


@admin.register(PassedCourse)
class PassedCourseAdmin(ReadOnlyAdmin):
    list_display = ["ticket_number", "candidate_name", "course", "score", "sitting", "source", "recorded_at"]
    list_filter = ["source", "sitting"]
    search_fields = ["candidate__ticket_number", "course__code", "course__name"]
    change_list_template = "records/admin/change_list.html"

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .select_related("candidate", "course", "sitting")
            .filter(county_scope_q(request.user, "candidate__county"))
        )

    @admin.display(description="准考证号", ordering="candidate__ticket_number")
    def ticket_number(self, obj):
        return obj.candidate.ticket_number

    @admin.display(description="姓名")
    def candidate_name(self, obj):
        return obj.candidate.name

    def get_urls(self):
        verify = path("verify/", self.admin_site.admin_view(self.verify_view), name="records_verify_transcript")
        return [verify, *super().get_urls()]

    def verify_view(self, request):
        """成绩单核验: was this transcript printed by the portal, unaltered?"""
        if not request.user.has_perm("records.view_passedcourse"):
            raise PermissionDenied
        form = VerifyTranscriptForm(request.POST or None)
        result = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            candidate = (
                Candidate.objects.filter(county_scope_q(request.user), ticket_number=data["ticket_number"]).first()
            )
            if candidate is None:
                result = {"ok": False, "text": "未找到该准考证号，或该考生不在您的管辖范围内。"}
            else:
                genuine, ledger = pdf.check_transcript(candidate, printed_at=data["printed_at"], code=data["code"])
                record_event(
                    actor=request.user, action=AuditAction.TRANSCRIPT_VERIFY, obj=candidate,
                    to_state="genuine" if genuine else "mismatch", data={"printed_at": data["printed_at"]},
                )
                if genuine:
                    result = {"ok": True, "ledger": ledger, "candidate": candidate,
                              "text": f"核验通过：该成绩单由本平台出具，打印时{candidate.name}共有合格课程 {len(ledger)} 门，内容未被改动。"}
                else:
                    result = {"ok": False, "text": "核验码与准考证号、打印时间不符：该成绩单不是本平台出具的，或内容已被改动。"}
        return TemplateResponse(request, "records/admin/verify.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": "成绩单核验",
            "form": form, "result": result,
        })


from records import graduation_admin  # noqa: E402, F401 — 毕业申请
from records.exemption_admin import ExemptionApplicationAdmin  # noqa: E402, F401
from records.score_admin import ScoreAdmin, ScorePublicationAdmin, ScoreRecheckAdmin  # noqa: E402, F401
