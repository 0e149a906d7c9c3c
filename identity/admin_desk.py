"""The registration point's desk (现场核验) and the printable daily list of identity decisions.

Added to IdentitySubmissionAdmin as a mixin so the review admin keeps its shape. The ID
number travels only in a POST body; the candidate is then addressed by primary key.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from candidates.models import Candidate, EnrolledRecord
from candidates.scopes import county_scope_q
from identity import services
from identity.models import IdentitySubmission
from zikao.idnumbers import normalize_id_number

Method = IdentitySubmission.Method


class DeskLookupForm(forms.Form):
    id_number = forms.CharField(
        label="身份证号", max_length=18, min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 22, "autofocus": True}),
        error_messages={"required": "请输入考生的身份证号。", "min_length": "请输入完整的18位身份证号。"},
    )

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data["id_number"])


class DeskVerifyForm(forms.Form):
    note = forms.CharField(
        label="核验说明", max_length=300, initial="已在报名点核对本人及身份证原件。",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        error_messages={"required": "请填写核验说明。", "max_length": "核验说明最多 300 字。"},
    )


class InPersonDeskMixin:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("desk/", wrap(self.desk_view), name="identity_in_person_desk"),
            path("desk/<int:candidate_id>/verify/", wrap(self.desk_verify_view), name="identity_in_person_verify"),
            path("daily/", wrap(self.daily_list_view), name="identity_daily_list"),
            *super().get_urls(),
        ]

    def _desk_candidates(self, request):
        return Candidate.objects.filter(county_scope_q(request.user)).select_related("county__city")

    def desk_view(self, request):
        """现场核验: type the ID number (POSTed), see the candidate's state, verify in person."""
        if not request.user.has_perm("identity.verify_identity_in_person"):
            raise PermissionDenied
        form = DeskLookupForm(request.POST or None)
        candidate, note = None, None
        if request.method == "POST" and form.is_valid():
            number = form.cleaned_data["id_number"]
            candidate = self._desk_candidates(request).filter(id_number=number).first()
            if candidate is None:
                enrolled = EnrolledRecord.objects.filter(county_scope_q(request.user), id_number=number).exists()
                note = (
                    "该身份证号在在籍考生名册中，但考生尚未激活账号：请考生先在网站“在籍考生注册”中激活。"
                    if enrolled else "在您的管辖范围内没有找到该身份证号的考生。请核对号码，或请考生先完成网上注册。"
                )
        elif request.GET.get("candidate", "").isdigit():
            candidate = self._desk_candidates(request).filter(pk=request.GET["candidate"]).first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "现场核验",
            "form": DeskLookupForm() if candidate else form,
            "candidate": candidate,
            "not_found": note,
        }
        if candidate is not None:
            context.update(self._candidate_state(request, candidate))
        return TemplateResponse(request, "identity/admin/desk.html", context)

    def _candidate_state(self, request, candidate):
        submissions = list(candidate.identity_submissions.order_by("-attempt"))
        transfers = list(candidate.transfer_applications.order_by("-submitted_at")) if hasattr(
            candidate, "transfer_applications") else []
        return {
            "submissions": [
                (s, reverse("admin:identity_identitysubmission_change", args=[s.pk])) for s in submissions
            ],
            "transfers": [
                (t, reverse("admin:transfers_transferapplication_change", args=[t.pk])) for t in transfers
            ],
            "candidate_url": reverse("admin:candidates_candidate_change", args=[candidate.pk]),
            "verify_form": DeskVerifyForm(),
            "verify_url": reverse("admin:identity_in_person_verify", args=[candidate.pk]),
            "can_verify": not candidate.is_approved,
        }

    def desk_verify_view(self, request, candidate_id):
        if request.method != "POST":
            return redirect(f"{reverse('admin:identity_in_person_desk')}?candidate={candidate_id}")
        if not request.user.has_perm("identity.verify_identity_in_person"):
            raise PermissionDenied
        candidate = self._desk_candidates(request).filter(pk=candidate_id).first()
        desk = reverse("admin:identity_in_person_desk")
        if candidate is None:
            messages.error(request, "在您的管辖范围内没有找到该考生。")
            return redirect(desk)
        form = DeskVerifyForm(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(error for errors in form.errors.values() for error in errors))
        else:
            try:
                services.verify_in_person(candidate=candidate, officer=request.user, note=form.cleaned_data["note"])
            except services.IdentityError as error:
                messages.error(request, error.message)
            else:
                candidate.refresh_from_db()
                text = f"已现场核验通过：{candidate.name}。"
                if candidate.ticket_number:
                    text += f"准考证号 {candidate.ticket_number}。"
                messages.success(request, text)
        return redirect(f"{desk}?candidate={candidate.pk}")

    def daily_list_view(self, request):
        """Printable list of a day's identity decisions by officers (审核 and 现场核验) in the scope."""
        if not request.user.has_perm("identity.view_identitysubmission"):
            raise PermissionDenied
        try:
            day = datetime.date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = timezone.localdate()
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        decided = (
            self.get_queryset(request)
            .filter(decided_at__gte=start, decided_at__lt=start + datetime.timedelta(days=1),
                    decision_method__in=[Method.OFFICER, Method.IN_PERSON])
            .order_by("decided_at", "pk")
        )
        rows = list(decided)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"身份审核与现场核验清单（{day:%Y年%m月%d日}）",
            "day": day,
            "rows": rows,
            "reviews": sum(1 for row in rows if row.decision_method == Method.OFFICER),
            "in_person": sum(1 for row in rows if row.decision_method == Method.IN_PERSON),
            "previous_day": day - datetime.timedelta(days=1),
            "printed_at": timezone.localtime(),
        }
        return TemplateResponse(request, "identity/admin/daily_list.html", context)
