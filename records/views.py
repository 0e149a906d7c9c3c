"""合格成绩查询: the signed-in candidate's own ledger, progress and printable transcript."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from records import pdf, selectors
from records.decorators import own_record_required


@require_GET
@own_record_required
def passed(request):
    candidate = request.candidate
    ledger = selectors.passed_courses(candidate)
    return render(request, "records/passed.html", {
        "candidate": candidate,
        "ledger": ledger,
        "progress": selectors.progress(candidate, ledger),
    })


@require_GET
@own_record_required
def passed_pdf(request):
    candidate = request.candidate
    response = HttpResponse(pdf.render_transcript_pdf(candidate), content_type="application/pdf")
    response["Content-Disposition"] = pdf.content_disposition(candidate)
    return response
