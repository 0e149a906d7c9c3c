"""Seats in admin: officers read the seating of the venues in their scope (a room's list, searched
by 准考证号) and check printed admission tickets (准考证核验). Seats are written only by
``assign_seats``, never here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from candidates.scopes import by_scope
from exams import ticket_pdf
from exams.seat_models import TicketSeat
from exams.seats import ticket_seats
from zikao.admin import ReadOnlyAdmin
from zikao.audit import AuditAction, record_event
from zikao.views_helpers import admin_page_context


def officer_seats(user):
    """Seats in venues of the officer's county / city (everything for the province)."""
    scope = by_scope(
        user, everything={}, nothing=None,
        city=lambda s: {"room__venue__county__city_id": s.city_id},
        county=lambda s: {"room__venue__county_id": s.county_id},
    )
    seats = TicketSeat.objects.select_related("sitting", "slot", "candidate", "course", "room__venue")
    return seats.none() if scope is None else seats.filter(**scope)


class VerifyTicketForm(forms.Form):
    ticket_number = forms.CharField(label="准考证号", max_length=12, min_length=12)
    code = forms.CharField(label="核验码", max_length=20, help_text="准考证上的核验码，例如 7F3A-9C21-B40E。")

    def clean_ticket_number(self):
        return self.cleaned_data["ticket_number"].strip()


@admin.register(TicketSeat)
class TicketSeatAdmin(ReadOnlyAdmin):
    list_display = ["sitting", "slot", "venue", "room_number", "seat", "ticket_number", "candidate_name", "course"]
    list_filter = ["sitting", "room__venue"]
    search_fields = ["candidate__ticket_number", "room__venue__name", "course__code"]
    list_per_page = 50
    change_list_template = "exams/ticket_seat_change_list.html"

    def get_queryset(self, request):
        return officer_seats(request.user)

    @admin.display(description="考点", ordering="room__venue__code")
    def venue(self, obj):
        return obj.room.venue.name

    @admin.display(description="考场号", ordering="room__number")
    def room_number(self, obj):
        return obj.room.number

    @admin.display(description="准考证号", ordering="candidate__ticket_number")
    def ticket_number(self, obj):
        return obj.candidate.ticket_number

    @admin.display(description="姓名", ordering="candidate__name")
    def candidate_name(self, obj):
        return obj.candidate.name

    def get_urls(self):
        verify = path("verify/", self.admin_site.admin_view(self.verify_view), name="exams_verify_ticket")
        return [verify, *super().get_urls()]

    def verify_view(self, request):
        """准考证核验: was this ticket printed by the portal, and is its seating still the current one?

        The ticket's QR code opens this page with ``?ticket_number=…&code=…``: a GET only fills the
        form in, the officer still presses 核验 (a POST, CSRF-protected, audited). A GET that verified
        would write an audit event for every link preview, prefetch or reload of the address.
        """
        if not request.user.has_perm("exams.view_ticketseat"):
            raise PermissionDenied
        scanned = {name: request.GET[name][:40] for name in VerifyTicketForm.base_fields if request.GET.get(name)}
        form = VerifyTicketForm(request.POST or None, initial=scanned)
        result = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            visible = officer_seats(request.user).filter(candidate__ticket_number=data["ticket_number"])
            sittings = {seat.sitting_id: seat for seat in visible.order_by("-sitting__exam_start")}
            if not sittings:
                result = {"ok": False, "text": "未找到该准考证号的考场座位，或其考点不在您的管辖范围内。"}
            else:
                candidate = next(iter(sittings.values())).candidate
                match = next(
                    (seat.sitting for seat in sittings.values()
                     if ticket_pdf.check_ticket(candidate, seat.sitting, data["code"])), None,
                )
                record_event(actor=request.user, action=AuditAction.TICKET_VERIFY, obj=candidate,
                             to_state="genuine" if match else "mismatch")
                if match is None:
                    result = {"ok": False, "text": "核验码与准考证号不符：该准考证不是本平台出具的、内容已被改动，或考场座位已重新编排。"}
                else:
                    result = {
                        "ok": True, "candidate": candidate, "sitting": match,
                        "seats": ticket_seats(candidate=candidate, sitting=match),
                        "text": f"核验通过：{candidate.name}（{candidate.masked_id_number}）{match.label}考次的准考证由本平台出具，考场座位与当前编排一致。",
                    }
        context = admin_page_context(
            self, request, title="准考证核验", form=form, result=result, scanned=request.method == "GET" and bool(scanned),
        )
        return TemplateResponse(request, "exams/ticket_verify.html", context)
