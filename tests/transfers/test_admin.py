"""The officers' admin: who sees what, the two review steps, CSV export, printout check."""

import csv
import io
import re

import pytest

from candidates.models import CandidateMessage
from tests.factories import CandidateFactory, UserFactory, city, county
from tests.transfers.conftest import submit
from transfers import pdf, services
from transfers.models import TransferApplication
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/transfers/transferapplication/"


@pytest.fixture
def queue(frozen, officers):
    """A: 小店区→大同 waiting; B: 迎泽区→大同 released; C: 小店区→晋中 waiting; D: 平城区→太原 waiting."""
    a, _ = submit(CandidateFactory(approved=True, name="甲考生", county=county("140105")), city("1402"))
    b, _ = submit(CandidateFactory(approved=True, name="乙考生", county=county("140106")), city("1402"))
    services.release_transfer(officer=officers["taiyuan"], application=b)
    c, _ = submit(CandidateFactory(approved=True, name="丙考生", county=county("140105")), city("1407"))
    d, _ = submit(CandidateFactory(approved=True, name="丁考生", county=county("140213")), city("1401"))
    return {"A": a, "B": b, "C": c, "D": d}


def visible(client, user, queue):
    client.force_login(user)
    response = client.get(f"{CHANGELIST}?wb=all")
    assert response.status_code == 200
    html = response.content.decode()
    return {key for key, application in queue.items() if application.number in html}


@pytest.mark.parametrize(("who", "expected"), [
    ("taiyuan", {"A", "B", "C"}),   # everything from 太原; D waits for 大同 first
    ("datong", {"B", "D"}),         # released to 大同, and from 大同
    ("jinzhong", set()),            # C is not released yet
    ("xiaodian", {"A", "C"}),       # its own county, read-only
    ("yingze", {"B"}),
    ("pingcheng", {"D"}),
    ("province", {"A", "B", "C", "D"}),
])
def test_each_officer_sees_only_their_scope(client, officers, queue, who, expected):
    assert visible(client, officers[who], queue) == expected


def test_staff_without_scope_sees_nothing(client, queue):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(CHANGELIST).status_code == 403


def test_out_of_scope_application_cannot_be_opened(client, officers, queue):
    client.force_login(officers["jinzhong"])
    response = client.get(f"{CHANGELIST}{queue['A'].pk}/change/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "甲考生" not in response.content.decode()
    assert "尚待原属地市审核" not in response.content.decode()  # 晋中 learns nothing about an application to 大同
    assert client.get(f"{CHANGELIST}{queue['A'].pk}/release/").status_code == 404


def test_the_receiving_city_is_told_an_unreleased_application_waits_for_the_original_city(client, officers, queue):
    client.force_login(officers["datong"])
    response = client.get(f"{CHANGELIST}{queue['A'].pk}/change/", follow=True)
    assert response.redirect_chain[-1][0] == f"{CHANGELIST}?wb=mine"  # their own queue
    html = response.content.decode()
    assert "该申请尚待原属地市审核" in html and "可能已经被删除" not in html
    assert queue["A"].number not in html and "甲考生" not in html  # still not shown before the release
    assert client.get(f"{CHANGELIST}{queue['A'].pk}/accept/").status_code == 404


def test_county_officer_reads_but_cannot_decide(client, officers, queue):
    client.force_login(officers["xiaodian"])
    html = client.get(f"{CHANGELIST}{queue['A'].pk}/change/").content.decode()
    assert queue["A"].number in html and "待原属地市审核" in html
    assert "同意转出" not in html
    assert client.get(f"{CHANGELIST}{queue['A'].pk}/release/").status_code == 403
    assert client.post(f"{CHANGELIST}{queue['A'].pk}/release/").status_code == 403
    assert TransferApplication.objects.get(pk=queue["A"].pk).status == "pending_origin"


def test_original_city_releases_in_admin(client, officers, queue):
    client.force_login(officers["taiyuan"])
    page = client.get(f"{CHANGELIST}{queue['A'].pk}/change/").content.decode()
    assert "同意转出" in page and "不同意转出" in page
    confirm = client.get(f"{CHANGELIST}{queue['A'].pk}/release/").content.decode()
    assert "确认同意转出" in confirm
    assert TransferApplication.objects.get(pk=queue["A"].pk).status == "pending_origin"
    response = client.post(f"{CHANGELIST}{queue['A'].pk}/release/", follow=True)
    assert "已同意转出" in response.content.decode()
    assert TransferApplication.objects.get(pk=queue["A"].pk).status == "pending_destination"
    # The history is visible on the application.
    page = client.get(f"{CHANGELIST}{queue['A'].pk}/change/").content.decode()
    assert "考生提交申请" in page and "ty-officer" in page


def test_refusing_needs_a_remark_in_admin(client, officers, queue):
    client.force_login(officers["taiyuan"])
    url = f"{CHANGELIST}{queue['C'].pk}/refuse-release/"
    response = client.post(url, {"remark": ""})
    assert response.status_code == 200
    assert "不同意时必须填写原因。" in response.content.decode()
    assert TransferApplication.objects.get(pk=queue["C"].pk).status == "pending_origin"
    client.post(url, {"remark": "学籍档案不全"})
    application = TransferApplication.objects.get(pk=queue["C"].pk)
    assert application.remark_text == "未通过：学籍档案不全"


def test_receiving_city_accepts_choosing_one_of_its_counties(client, officers, queue):
    client.force_login(officers["datong"])
    page = client.get(f"{CHANGELIST}{queue['B'].pk}/accept/").content.decode()
    select = page.split('name="to_county"')[1].split("</select>")[0]
    options = re.findall(r"<option value=\"(\d*)\"[^>]*>([^<]+)</option>", select)
    assert options[0] == ("", "请选择报名区县")
    assert {code[:4] for code, _ in options[1:]} == {"1402"}
    assert ("140213", "平城区") in options and len(options) == 1 + 11  # 大同市 has 11 counties
    refused = client.post(f"{CHANGELIST}{queue['B'].pk}/accept/", {"to_county": "140105"})
    assert "请选择转入市所辖的报名区县。" in refused.content.decode()
    response = client.post(f"{CHANGELIST}{queue['B'].pk}/accept/", {"to_county": "140213"}, follow=True)
    assert "已同意转入" in response.content.decode()
    application = TransferApplication.objects.select_related("candidate__county").get(pk=queue["B"].pk)
    assert application.status == "accepted"
    assert application.candidate.county.full_name == "大同市平城区"
    assert CandidateMessage.objects.filter(candidate=application.candidate, title="省内转考：已转入").exists()


def test_receiving_city_refuses_with_remark(client, officers, queue):
    client.force_login(officers["datong"])
    client.post(f"{CHANGELIST}{queue['B'].pk}/refuse-acceptance/", {"remark": "不符合转入条件"})
    assert TransferApplication.objects.get(pk=queue["B"].pk).remark_text == "未通过：不符合转入条件"


def test_second_officer_gets_a_clear_message_in_admin(client, officers, queue):
    colleague = UserFactory(is_staff=True, username="ty-colleague")
    from candidates.models import OfficerScope
    from candidates.officers import grant_officer_permissions

    OfficerScope.objects.create(user=colleague, level="city", city=city("1401"))
    grant_officer_permissions(colleague)
    client.force_login(officers["taiyuan"])
    client.post(f"{CHANGELIST}{queue['A'].pk}/release/")
    client.force_login(colleague)
    response = client.post(f"{CHANGELIST}{queue['A'].pk}/refuse-release/", {"remark": "不同意"}, follow=True)
    assert "该申请已被处理" in response.content.decode()
    assert TransferApplication.objects.get(pk=queue["A"].pk).status == "pending_destination"


def test_bulk_release_asks_first_then_releases(client, officers, queue):
    client.force_login(officers["taiyuan"])
    data = {"action": "release_selected", "_selected_action": [queue["A"].pk, queue["C"].pk, queue["B"].pk]}
    confirm = client.post(CHANGELIST, data)
    assert "确认同意转出" in confirm.content.decode()
    assert TransferApplication.objects.filter(status="pending_origin").count() == 3
    response = client.post(CHANGELIST, {**data, "confirmed": "yes"}, follow=True)
    html = response.content.decode()
    assert "已同意转出 2 份申请" in html
    assert queue["B"].number in html and "已被处理" in html  # B was already released
    assert set(TransferApplication.objects.filter(status="pending_destination").values_list("number", flat=True)) == {
        queue["A"].number, queue["B"].number, queue["C"].number,
    }


def test_bulk_release_is_not_offered_to_county_officers(client, officers, queue):
    client.force_login(officers["xiaodian"])
    assert "release_selected" not in client.get(f"{CHANGELIST}?wb=all").content.decode()


def test_csv_export_has_bom_masked_ids_and_only_the_scope(client, officers, queue, window):
    client.force_login(officers["taiyuan"])
    assert "导出 CSV" in client.get(f"{CHANGELIST}?wb=all").content.decode()
    chooser = client.get(f"{CHANGELIST}export/").content.decode()
    assert window.title in chooser
    response = client.get(f"{CHANGELIST}export/?window={window.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["申请编号", "姓名", "证件号码", "准考证号"]
    numbers = {row[0] for row in rows[1:]}
    assert numbers == {queue["A"].number, queue["B"].number, queue["C"].number}
    for row in rows[1:]:
        application = TransferApplication.objects.get(number=row[0])
        assert row[2] == application.candidate.masked_id_number
        assert application.candidate.id_number not in response.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="transfer_export", data__rows=3).exists()


def test_csv_export_neutralises_formulas(client, officers, frozen, window):
    candidate = CandidateFactory(approved=True, name="=HYPERLINK(\"x\")", county=county("140105"))
    application, _ = submit(candidate, city("1402"))
    services.refuse_release(officer=officers["taiyuan"], application=application, remark="+1 需补材料")
    client.force_login(officers["taiyuan"])
    rows = list(csv.reader(io.StringIO(
        client.get(f"{CHANGELIST}export/?window={window.pk}").content.decode("utf-8-sig")
    )))
    assert rows[1][1] == "'=HYPERLINK(\"x\")"
    assert rows[1][9] == "'+1 需补材料"


def test_verify_printout_in_admin(client, officers, queue):
    application = queue["A"]
    code = pdf.application_code(application, "2026-03-05 10:30:00")
    client.force_login(officers["xiaodian"])
    ok = client.post(f"{CHANGELIST}verify/", {
        "number": application.number.lower(), "printed_at": "2026-03-05 10:30:00", "code": code,
    }).content.decode()
    assert "核验通过" in ok and "与打印时一致" in ok
    bad = client.post(f"{CHANGELIST}verify/", {
        "number": application.number, "printed_at": "2026-03-05 10:30:00", "code": "AAAA-BBBB-CCCC",
    }).content.decode()
    assert "核验码与申请编号、打印时间不符" in bad
    client.force_login(officers["jinzhong"])
    hidden = client.post(f"{CHANGELIST}verify/", {
        "number": application.number, "printed_at": "2026-03-05 10:30:00", "code": code,
    }).content.decode()
    assert "不在您的管辖范围内" in hidden


def test_admin_has_no_add_edit_or_delete(client, officers, queue):
    client.force_login(officers["taiyuan"])
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{queue['A'].pk}/delete/").status_code == 403
    html = client.get(f"{CHANGELIST}{queue['A'].pk}/change/").content.decode()
    assert 'name="_save"' not in html


@pytest.mark.parametrize(("who", "expected"), [
    ("taiyuan", {"A", "C"}),      # B is already released: 大同's turn
    ("datong", {"B", "D"}),       # B to accept, D (from 大同) to release
    ("xiaodian", set()),          # county offices decide no transfers: nothing waits for them
])
def test_awaiting_me_filter_lists_this_offices_work(client, officers, queue, who, expected):
    client.force_login(officers[who])
    opened = client.get(CHANGELIST, follow=True)  # the queue opens on 待我处理
    assert opened.redirect_chain[-1][0].endswith("?wb=mine")
    html = opened.content.decode()
    assert {key for key, application in queue.items() if application.number in html} == expected
