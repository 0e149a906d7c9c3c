"""The printable admission ticket (准考证, A4) and its verification code.

The code (zikao.pdf) covers what an invigilator relies on: ticket number, name, ID number, the
sitting and every line (course, slot, venue, room, seat). It does not cover the print time, so
every printout of the same seating carries the same code; a re-seating changes it, and the
officer's check then says the printout no longer matches the current seating.

The QR code carries the address of 准考证核验 pre-filled with the ticket number and that code (never
the ID number): an invigilator scans it, signs in to admin and presses 核验.
"""

import io
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from exams.seats import ticket_seats
from zikao import pdf

PURPOSE = "exams.ticket"
TITLE = "山西省高等教育自学考试准考证"

RULES = [
    "考生须凭本准考证和本人有效居民身份证（原件）参加考试，二者缺一不得入场。",
    "考生应在每科开考前30分钟到达考点，开考前20分钟凭证进入考场，对号入座，并将准考证、身份证放在桌面左上角以备核验。",
    "开考15分钟后不得进入考场；开考60分钟后方可交卷离场。",
    "除黑色字迹签字笔、2B铅笔、橡皮、直尺等规定文具外，不得携带任何书籍、资料及手机、智能手表等电子通讯设备进入考场。",
    "考生应在答题卡（纸）规定位置准确填写姓名、准考证号，在规定区域内作答，不得在答题卡（纸）上做任何标记。",
    "考试结束信号发出后立即停止答题，待监考员收齐、清点试卷和答题卡（纸）后方可离开考场，不得将试卷、答题卡（纸）带出考场。",
    "考生须遵守考场规则，服从考试工作人员管理；违纪、作弊者按《国家教育考试违规处理办法》处理。",
    "请妥善保管本准考证，成绩查询、成绩复核等均需使用准考证号。",
]

PDF_CSS = """
@page {
  size: A4;
  margin: 14mm 15mm 16mm 15mm;
}
/* Cost per render (CPU, scripts/bench/ticket_pdf.py): a fixed footer instead of an @page margin box
   (WeasyPrint lays out all sixteen margin boxes of a page that has one), numbered paragraphs instead
   of list markers, the QR code as a 1-pixel-per-module PNG rather than an SVG path to parse. */
.footer { position: fixed; bottom: -9mm; left: 0; right: 0; margin: 0; text-align: center; font-size: 8pt; color: #555; }
/* One face only (zikao.print_font sets it), like every printout: each extra face is another subset of a large CJK font. */
html { font-size: 9.5pt; color: #111; }
h1, h2, th, b, strong { font-weight: normal; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 1mm; letter-spacing: 1pt; color: #000; }
.platform { text-align: center; font-size: 9pt; color: #444; margin: 0 0 4mm; }
/* Fixed table layouts: WeasyPrint then skips measuring every cell's content for column widths. */
.head { width: 100%; border-collapse: collapse; margin-bottom: 4mm; table-layout: fixed; }
.head col.label { width: 20mm; }
.head col.photo { width: 30mm; }
.record col.time { width: 30mm; }
.record col.code { width: 16mm; }
.record col.name { width: 40mm; }
.record col.room { width: 14mm; }
.head th { text-align: left; color: #444; padding: 1.6mm 0; }
.head td { padding: 1.6mm 2mm 1.6mm 0; font-size: 11pt; }
.head td.photo { width: 30mm; text-align: right; vertical-align: top; padding: 0; }
.photo img { width: 26mm; height: 35mm; object-fit: cover; border: .6pt solid #333; }
.photo .none { display: inline-block; width: 26mm; height: 35mm; border: .6pt dashed #777; font-size: 8pt; color: #555; text-align: center; padding-top: 13mm; box-sizing: border-box; }
.record { width: 100%; border-collapse: collapse; table-layout: fixed; }
.record th, .record td { border: .6pt solid #333; padding: 1.6mm 1.2mm; text-align: center; vertical-align: middle; }
.record th { background: #e8eef6; font-size: 9pt; }
.record td.venue { text-align: left; font-size: 8.5pt; }
.seat { font-size: 12pt; color: #000; }
h2 { font-size: 11pt; margin: 5mm 0 1.5mm; }
.rules { font-size: 8.5pt; line-height: 1.45; }
.rules p { margin: 0; padding-left: 3.2mm; text-indent: -3.2mm; }
.verification { margin-top: 5mm; border-top: .6pt dashed #777; padding-top: 2.5mm; font-size: 8.5pt; }
.verification p { margin: .8mm 0; }
/* Not interpolated: each module prints as a sharp square. */
.qr { float: right; width: 24mm; height: 24mm; margin-left: 4mm; image-rendering: pixelated; }
.code { font-size: 12pt; letter-spacing: 1.5pt; color: #000; }
"""


def seat_line(seat):
    return f"{seat.course.code}:{seat.slot.date:%Y%m%d}{seat.slot.period}:{seat.room.venue.code}:{seat.room.number}:{seat.seat}"


def ticket_code(candidate, sitting, seats):
    lines = ",".join(sorted(seat_line(seat) for seat in seats))
    return pdf.verification_code(
        PURPOSE, candidate.ticket_number or "", candidate.name, candidate.id_number, sitting.code, lines,
    )


def check_ticket(candidate, sitting, code):
    """Whether ``code`` is the code of the candidate's current seating in ``sitting``."""
    seats = ticket_seats(candidate=candidate, sitting=sitting)
    return bool(seats) and pdf.code_matches(ticket_code(candidate, sitting, seats), code)


def verify_url(candidate, code):
    """The absolute address of 准考证核验 pre-filled with the ticket number and ``code`` (PORTAL_PUBLIC_URL)."""
    query = urlencode({"ticket_number": candidate.ticket_number or "", "code": code})
    return f"{settings.PORTAL_PUBLIC_URL.rstrip('/')}{reverse('admin:exams_verify_ticket')}?{query}"


QR_MASK = 2  # any of the eight masks is a valid symbol; letting segno score all eight costs ~7 ms a ticket


def qr_png(text):
    """``text`` as a QR code (error correction M, a 2-module quiet zone; the white around it adds the
    rest): a PNG of one pixel per module, which the stylesheet scales up uninterpolated."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False, mask=QR_MASK).save(out, kind="png", border=2, scale=1)
    return out.getvalue()


def read_photo(photo):
    """The stored bytes of an identity photo (private storage), or b"" when it cannot be read."""
    if photo is None:
        return b""
    try:
        with photo.file.open("rb") as handle:
            return handle.read()
    except OSError:
        return b""


def render_ticket_pdf(*, candidate, sitting, seats, photo_bytes=b"", now=None):
    """The PDF bytes of the admission ticket (photo: the verified headshot's JPEG bytes, or none)."""
    code = ticket_code(candidate, sitting, seats)
    return pdf.render_pdf("exams/ticket_pdf.html", {
        "title": TITLE,
        "candidate": candidate,
        "sitting": sitting,
        "seats": seats,
        "rules": RULES,
        "printed_at": pdf.format_print_time(now or timezone.now()),
        "code": code,
    }, css=PDF_CSS, images={"photo": photo_bytes, "qr": qr_png(verify_url(candidate, code))})


def content_disposition(candidate, sitting):
    number = candidate.ticket_number or "ticket"
    return pdf.content_disposition(
        ascii_name=f"ticket-{sitting.code}-{number}.pdf", utf8_name=f"准考证-{sitting.code}-{number}.pdf", inline=False,
    )
