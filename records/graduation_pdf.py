"""The 毕业生登记表 (A4, with the graduation photo and the courses of the plan the candidate passed)
and its verification code.

The code covers what the application fixed when it was submitted (number, name, ticket number,
major, credits) and the print time, so a printout stays verifiable whatever happens to the
application afterwards, and an edited name, major or credit total does not.
"""

import datetime

from django.utils import timezone

from records import graduation, selectors
from zikao import pdf

PURPOSE = "records.graduation_form"
TITLE = "山西省高等教育自学考试毕业生登记表"

PDF_CSS = """
@page {
  size: A4;
  margin: 16mm 15mm 18mm 15mm;
  @bottom-center { content: "山西省招生考试管理中心 · 山西自学考试信息服务平台　第 " counter(page) " 页"; font-size: 8.5pt; color: #555; }
}
/* One face only (zikao.print_font sets it), like every printout: each extra face is another subset of a large CJK font. */
html { font-size: 10pt; color: #111; }
h1, th, b, strong { font-weight: normal; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 2mm; color: #000; }
h2 { font-size: 11pt; margin: 5mm 0 2mm; }
.platform { text-align: center; font-size: 9pt; color: #444; margin: 0 0 5mm; }
.facts { width: 100%; border-collapse: collapse; }
.facts th, .facts td { border: .6pt solid #333; padding: 1.6mm 1.5mm; }
.facts th { background: #e8eef6; width: 21mm; text-align: center; }
.facts td.photo { width: 33mm; text-align: center; padding: 1mm; }
.facts td.photo img { width: 30mm; height: 40mm; object-fit: cover; }
.record { width: 100%; border-collapse: collapse; }
.record th, .record td { border: .6pt solid #333; padding: 1.4mm 1.2mm; text-align: center; }
.record th { background: #e8eef6; }
.record td.name { text-align: left; }
.opinions { width: 100%; border-collapse: collapse; margin-top: 5mm; }
.opinions th, .opinions td { border: .6pt solid #333; padding: 2mm; height: 16mm; vertical-align: top; }
.opinions th { width: 38mm; background: #e8eef6; }
.verification { margin-top: 6mm; border-top: .6pt dashed #777; padding-top: 3mm; font-size: 9pt; }
.verification p { margin: 1mm 0; }
.code { font-size: 12pt; letter-spacing: 1.5pt; color: #000; }
"""


def form_code(application, printed_at):
    candidate = application.candidate
    return pdf.verification_code(
        PURPOSE,
        application.number,
        candidate.ticket_number or "",
        candidate.name,
        application.major.code,
        application.credits,
        printed_at,
    )


def check_printout(application, *, printed_at, code):
    """Whether a 毕业生登记表 of ``application`` printed at ``printed_at`` (as printed) bears ``code``."""
    try:
        moment = datetime.datetime.strptime(printed_at.strip(), pdf.PRINT_TIME_FORMAT)
    except ValueError:
        return False
    return pdf.code_matches(form_code(application, moment.strftime(pdf.PRINT_TIME_FORMAT)), code)


def _photo(application):
    with application.photo.open("rb") as handle:
        return handle.read()


def render_registration_form(application, *, now=None):
    candidate = application.candidate
    printed = pdf.format_print_time(now or timezone.now())
    progress = graduation.check_conditions(candidate, selectors.passed_courses(candidate)).progress
    return pdf.render_pdf(
        "records/graduation_form_pdf.html",
        {
            "title": TITLE,
            "application": application,
            "candidate": candidate,
            "rows": [row for row in progress.rows if row.done] if progress else [],
            "progress": progress,
            "printed_at": printed,
            "code": form_code(application, printed),
        },
        css=PDF_CSS,
        images={"photo": _photo(application)},
    )


def content_disposition(application):
    return pdf.content_disposition(
        ascii_name=f"graduation-{application.number}.pdf",
        utf8_name=f"毕业生登记表-{application.number}.pdf",
    )
