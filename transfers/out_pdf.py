"""The 转出登记表 (PDF): the candidate downloads it, signs it and uploads a photo of it (网上确认).

It prints the application's snapshot of the transferable courses (never the live ledger), so what
the candidate signs is what the application confirms; the verification code covers the
application number, the target province and ticket number, and every course line.
"""

from identity.selectors import verified_headshot
from zikao import pdf

PURPOSE = "transfers.out_form"
TITLE = "山西省高等教育自学考试省际转出登记表"

PDF_CSS = """
@page {
  size: A4;
  margin: 16mm 16mm 18mm 16mm;
  @bottom-center { content: "山西省招生考试管理中心 · 山西自学考试信息服务平台　第 " counter(page) " 页"; font-size: 8.5pt; color: #555; }
}
/* One face only (zikao.print_font sets it), like every printout: each extra face is another subset of a large CJK font. */
html { font-size: 10pt; color: #111; }
h1, th, b, strong { font-weight: normal; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 3mm; color: #000; }
.platform { text-align: center; font-size: 9pt; color: #444; margin: 0 0 5mm; }
.facts { width: 100%; border-collapse: collapse; margin-bottom: 4mm; }
.facts th, .facts td { border: .6pt solid #333; padding: 1.8mm 2mm; text-align: left; }
.facts th { background: #e8eef6; width: 24mm; }
.photo { width: 26mm; text-align: center; vertical-align: middle; }
.photo img { width: 24mm; height: 32mm; object-fit: cover; }
.record { width: 100%; border-collapse: collapse; }
.record th, .record td { border: .6pt solid #333; padding: 1.5mm 1.5mm; text-align: center; }
.record th { background: #e8eef6; }
.record td.name { text-align: left; }
.note { font-size: 9pt; color: #333; margin: 2mm 0 0; }
.sign { margin-top: 8mm; }
.sign p { margin: 4mm 0; }
.verification { margin-top: 6mm; border-top: .6pt dashed #777; padding-top: 3mm; font-size: 9pt; }
.verification p { margin: 1mm 0; }
.code { font-size: 12pt; letter-spacing: 1.5pt; color: #000; }
"""


def form_code(application, printed_at):
    lines = ",".join(f"{row['code']}:{row['score']}:{row['sitting']}" for row in application.courses)
    return pdf.verification_code(
        PURPOSE,
        application.number,
        application.candidate.ticket_number or "",
        application.target_province,
        application.target_ticket_number,
        lines,
        printed_at,
    )


def check_form(application, *, printed_at, code):
    """Whether ``code`` is the genuine code of ``application``'s form printed at ``printed_at``
    (as printed). The form prints the stored snapshot, so a code stays valid until a correction."""
    return pdf.code_matches(form_code(application, printed_at.strip()), code)


def _headshot(candidate):
    """The verified 免冠照's JPEG bytes, or b"" without one."""
    photo = verified_headshot(candidate)
    if photo is None:
        return b""
    with photo.file.open("rb") as handle:
        return handle.read()


def render_form_pdf(application, *, now):
    printed = pdf.format_print_time(now)
    return pdf.render_pdf(
        "transfers/out_pdf.html",
        {
            "title": TITLE,
            "application": application,
            "candidate": application.candidate,
            "printed_at": printed,
            "code": form_code(application, printed),
        },
        css=PDF_CSS,
        images={"photo": _headshot(application.candidate)},
    )


def content_disposition(application):
    return pdf.content_disposition(
        ascii_name=f"{application.number}.pdf",
        utf8_name=f"省际转出登记表-{application.number}.pdf",
    )
