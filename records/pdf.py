"""The printable transcript of passed courses (合格成绩单) and its verification code.

The code covers the candidate, the print time and every ledger entry recorded before that time,
so an officer checking a printout later recomputes it from the ledger as it stood then: entries
added afterwards do not spoil an honest printout, an edited line or score does.
"""

import datetime

from django.utils import timezone

from records.models import PassedCourse
from records.selectors import progress
from zikao import pdf

PURPOSE = "records.transcript"
TITLE = "山西省高等教育自学考试合格成绩单"

PDF_CSS = """
@page {
  size: A4;
  margin: 18mm 16mm 20mm 16mm;
  @bottom-center { content: "山西省招生考试管理中心 · 山西自学考试信息服务平台　第 " counter(page) " 页"; font-size: 8.5pt; color: #555; }
}
/* One face only (zikao.print_font sets it), like every printout: each extra face is another subset of a large CJK font. */
html { font-size: 10pt; color: #111; }
h1, th, b, strong { font-weight: normal; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 3mm; color: #000; }
.platform { text-align: center; font-size: 9pt; color: #444; margin: 0 0 6mm; }
.facts { width: 100%; border-collapse: collapse; margin-bottom: 5mm; }
.facts th { text-align: left; width: 20mm; color: #444; padding: 1.2mm 0; }
.facts td { padding: 1.2mm 2mm 1.2mm 0; }
.record { width: 100%; border-collapse: collapse; }
.record th, .record td { border: .6pt solid #333; padding: 1.8mm 1.5mm; text-align: center; }
.record th { background: #e8eef6; }
.record td.name { text-align: left; }
.summary { margin-top: 4mm; }
.verification { margin-top: 8mm; border-top: .6pt dashed #777; padding-top: 3mm; font-size: 9pt; }
.verification p { margin: 1mm 0; }
.code { font-size: 12pt; letter-spacing: 1.5pt; color: #000; }
"""


def _print_second(moment):
    """The print time as printed (whole seconds) and the instant just after that second."""
    printed = pdf.format_print_time(moment)
    local = timezone.localtime(moment).replace(microsecond=0)
    return printed, local + datetime.timedelta(seconds=1)


def ledger_as_printed(candidate, *, before):
    return list(
        PassedCourse.objects.filter(candidate=candidate, recorded_at__lt=before)
        .select_related("course", "sitting").order_by("course__code")
    )


def transcript_code(candidate, ledger, printed_at):
    lines = ",".join(
        f"{entry.course.code}:{entry.score_text}:{entry.sitting.code if entry.sitting else ''}:{entry.source}"
        for entry in ledger
    )
    return pdf.verification_code(PURPOSE, candidate.ticket_number or "", candidate.name, printed_at, lines)


def check_transcript(candidate, *, printed_at, code):
    """``(genuine, ledger as printed)`` for a printout of ``candidate`` printed at ``printed_at``
    (the text on the printout) bearing ``code``."""
    try:
        moment = datetime.datetime.strptime(printed_at.strip(), pdf.PRINT_TIME_FORMAT)
    except ValueError:
        return False, []
    moment = timezone.make_aware(moment, timezone.get_default_timezone())
    ledger = ledger_as_printed(candidate, before=moment + datetime.timedelta(seconds=1))
    expected = transcript_code(candidate, ledger, pdf.format_print_time(moment))
    return pdf.code_matches(expected, code), ledger


def render_transcript_pdf(candidate, *, now=None):
    printed, before = _print_second(now or timezone.now())
    ledger = ledger_as_printed(candidate, before=before)
    return pdf.render_pdf("records/transcript_pdf.html", {
        "title": TITLE,
        "candidate": candidate,
        "ledger": ledger,
        "progress": progress(candidate, ledger),
        "printed_at": printed,
        "code": transcript_code(candidate, ledger, printed),
    }, css=PDF_CSS)


def content_disposition(candidate):
    number = candidate.ticket_number or "transcript"
    return pdf.content_disposition(ascii_name=f"{number}.pdf", utf8_name=f"合格成绩单-{number}.pdf")
