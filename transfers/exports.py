"""The officers' CSV export of transfer applications, written for Excel."""

import csv
import io

from zikao.timefmt import local_short

CSV_HEADER = [
    "申请编号", "姓名", "证件号码", "准考证号", "原属地市", "原报名区县", "转入市", "转入区县",
    "状态", "备注", "申请时间", "原属地市审核时间", "转入市审核时间",
]


def _csv_safe(value):
    """Keep spreadsheet programs from reading a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text



def applications_csv(applications):
    """(UTF-8 bytes with a BOM so that Excel reads them as UTF-8, number of rows)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    count = 0
    for app in applications:
        count += 1
        writer.writerow([_csv_safe(value) for value in (
            app.number, app.candidate.name, app.candidate.masked_id_number, app.candidate.ticket_number,
            app.from_city.name, app.from_county.full_name, app.to_city.name,
            app.to_county.full_name if app.to_county else "", app.get_status_display(), app.remark,
            *(local_short(moment, seconds=True)
              for moment in (app.submitted_at, app.origin_decided_at, app.destination_decided_at)),
        )])
    return buffer.getvalue().encode("utf-8"), count
