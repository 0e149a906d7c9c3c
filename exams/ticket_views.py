"""准考证打印: the candidate's seats of the coming sitting and the A4 ticket (PDF)."""

import logging

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from exams import seats, ticket_pdf
from records.decorators import own_record_required

refusal_logger = logging.getLogger("zikao.refusals")


def _ticket_or_refusal(candidate):
    try:
        return seats.candidate_ticket(candidate=candidate), None
    except seats.SeatError as error:
        refusal_logger.info("refused %s: %s", type(error).__name__, error.code)
        return None, error


@require_GET
@own_record_required
def ticket(request):
    candidate = request.candidate
    the_ticket, refusal = _ticket_or_refusal(candidate)
    return render(request, "exams/ticket_page.html", {"candidate": candidate, "ticket": the_ticket, "refusal": refusal})


@require_GET
@own_record_required
def ticket_pdf_view(request):
    candidate = request.candidate
    the_ticket, refusal = _ticket_or_refusal(candidate)
    if refusal is not None:
        return redirect("admission_ticket")  # the page says why
    body = ticket_pdf.render_ticket_pdf(
        candidate=candidate, sitting=the_ticket.sitting, seats=the_ticket.seats,
        photo_bytes=ticket_pdf.read_photo(the_ticket.photo),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = ticket_pdf.content_disposition(candidate, the_ticket.sitting)
    return response
