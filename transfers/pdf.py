"""The printable application (打印) rendered with WeasyPrint (zikao.pdf), and its verification code."""

from django.utils import timezone
from django.utils.crypto import constant_time_compare

from transfers.models import TransferApplication
from zikao import pdf as shared_pdf

TITLE = "山西省高等教育自学考试省内转考申请信息详情"

PDF_CSS = """
@page {
  size: A4;
  margin: 20mm 18mm 22mm 18mm;
  @bottom-center { content: "山西省招生考试管理中心 · 山西自学考试信息服务平台　第 " counter(page) " 页"; font-size: 8.5pt; color: #555; }
}
/* One face only (zikao.print_font sets it): each extra face (bold, mono) is another subset of a
   5 MB font collection, about a third of the render time.  Emphasis comes from size and colour. */
html { font-size: 10.5pt; color: #111; }
h1, th, b, strong { font-weight: normal; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 4mm; letter-spacing: .5pt; color: #000; }
.platform { text-align: center; font-size: 9pt; color: #444; margin: 0 0 8mm; }
.facts { width: 100%; border-collapse: collapse; margin-bottom: 6mm; }
.facts th { text-align: left; width: 22mm; font-weight: normal; color: #444; padding: 1.5mm 0; }
.facts td { padding: 1.5mm 2mm 1.5mm 0; }
.record { width: 100%; border-collapse: collapse; }
.record th, .record td { border: .6pt solid #333; padding: 2.5mm 2mm; text-align: center; vertical-align: middle; }
.record th { background: #e8eef6; }
.verification { margin-top: 10mm; border-top: .6pt dashed #777; padding-top: 4mm; font-size: 9.5pt; }
.verification p { margin: 1mm 0; }
.code { font-size: 12pt; letter-spacing: 1.5pt; color: #000; }
"""


def verification_code(*, number, status, to_county_code, printed_at):
    """The shared printout code (zikao.pdf) over what this printout asserts.

    ``printed_at`` is the print time exactly as printed (zikao.pdf.PRINT_TIME_FORMAT).
    """
    return shared_pdf.verification_code("transfers.printout", number, status, to_county_code or "", printed_at)


def application_code(application, printed_at):
    return verification_code(
        number=application.number, status=application.status,
        to_county_code=application.to_county_id, printed_at=printed_at,
    )


def check_printout(application, *, printed_at, code):
    """The status the printout showed if ``code`` is genuine for it, else None.

    The code covers the status at print time, so a printout made before a later
    decision is still recognised (and shown as out of date by the caller).
    """
    wanted = code.replace("-", "").replace(" ", "").upper()
    for status in TransferApplication.Status.values:
        county = application.to_county_id if status == TransferApplication.Status.ACCEPTED else None
        candidate = verification_code(
            number=application.number, status=status, to_county_code=county, printed_at=printed_at,
        ).replace("-", "")
        if constant_time_compare(candidate, wanted):
            return TransferApplication.Status(status)
    return None


def render_application_pdf(application, *, printed_at=None):
    """The PDF bytes of ``application`` as printed at ``printed_at`` (default: now)."""
    printed = shared_pdf.format_print_time(printed_at or timezone.now())
    return shared_pdf.render_pdf("transfers/pdf.html", {
        "application": application,
        "candidate": application.candidate,
        "title": TITLE,
        "printed_at": printed,
        "code": application_code(application, printed),
    }, css=PDF_CSS)


def content_disposition(application, *, inline=True):
    return shared_pdf.content_disposition(
        ascii_name=f"{application.number}.pdf", utf8_name=f"省内转考申请-{application.number}.pdf", inline=inline,
    )
