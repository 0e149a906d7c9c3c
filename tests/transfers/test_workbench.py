"""Transfer reviews as a workbench queue: what waits for which city, by city for the province,
release-and-next keeping the filters, refusal presets, export of the filtered list."""

import io
import re
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from candidates.models import OfficerScope
from tests.factories import OfficerFactory
from tests.transfers.test_admin import CHANGELIST, queue  # noqa: F401 — the A/B/C/D fixture
from transfers.models import TransferApplication

pytestmark = pytest.mark.django_db


def waiting_count(client, user):
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    match = re.search(r'省内转考审核</a></th>\s*<td><a [^>]*class="wb-count">(\d+) 件</a>', html)
    return int(match.group(1)), html


def test_each_office_counts_what_waits_for_it(client, officers, queue):  # noqa: F811
    assert waiting_count(client, officers["taiyuan"])[0] == 2   # A and C to release
    assert waiting_count(client, officers["datong"])[0] == 2    # B to accept, D to release
    assert waiting_count(client, officers["jinzhong"])[0] == 0  # C is not released yet
    assert waiting_count(client, officers["xiaodian"])[0] == 0  # county offices decide no transfers
    _count, html = waiting_count(client, OfficerFactory(scope__level=OfficerScope.Level.PROVINCE))
    by_city = dict(re.findall(r'<tr><th scope="row">(\S+)</th><td>(\d+)</td>', html.split("省内转考审核")[1]))
    assert by_city == {"太原市": "2", "大同市": "2"}  # B waits at 大同 (its destination) once released


def test_release_and_next_opens_the_next_application_of_the_filtered_list(client, officers, queue):  # noqa: F811
    client.force_login(officers["taiyuan"])
    page = client.get(f"{CHANGELIST}{queue['A'].pk}/change/?_changelist_filters=wb%3Dmine").content.decode()
    assert "同意转出并下一条" in page and "不同意转出…" in page
    assert 'data-text="材料不齐，请补充后重新申请"' in page  # refusal presets beside the free text
    response = client.post(f"{CHANGELIST}{queue['A'].pk}/release/?_changelist_filters=wb%3Dmine", {"_next": "1"})
    assert urlsplit(response["Location"]).path == f"{CHANGELIST}{queue['C'].pk}/change/"
    assert TransferApplication.objects.get(pk=queue["A"].pk).status == "pending_destination"
    response = client.post(
        f"{CHANGELIST}{queue['C'].pk}/refuse-release/?_changelist_filters=wb%3Dmine",
        {"_next": "1", "remark": "材料不齐，请补充后重新申请"},
    )
    assert response["Location"] == f"{CHANGELIST}?wb=mine"  # nothing left for 太原
    assert TransferApplication.objects.get(pk=queue["C"].pk).remark_text == "未通过：材料不齐，请补充后重新申请"


def test_export_follows_the_filters(client, officers, queue):  # noqa: F811
    client.force_login(officers["datong"])
    response = client.get(f"{CHANGELIST}workbench-export/?wb=mine&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "申请编号"
    assert {row[0] for row in rows[1:]} == {queue["B"].number, queue["D"].number}
