"""The candidate's pages: apply → check answers → details, withdraw, access rules."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.urls import reverse

from candidates.models import Candidate
from tests.factories import CandidateFactory, city
from tests.transfers.conftest import CLOSES, submit
from transfers.models import TransferApplication

pytestmark = pytest.mark.django_db
APPLY = "/transfers/in-province/apply/"


@pytest.fixture
def signed_in(client, candidate):
    client.force_login(candidate.user)
    return client


def form_fields(html):
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    window = re.search(r'name="window" value="([^"]+)"', html).group(1)
    return {"token": token, "window": window}


def test_url_name_is_stable():
    assert reverse("transfer_apply") == APPLY


def test_form_page_shows_the_seed_fields_read_only_and_other_cities(signed_in, candidate, frozen):
    response = signed_in.get(APPLY)
    html = response.content.decode()
    assert response.status_code == 200
    assert "省内转考申请信息填报" in html
    assert candidate.name in html
    assert candidate.masked_id_number in html and candidate.id_number not in html
    assert candidate.ticket_number in html
    assert "男" in html
    assert "原属地市" in html and "太原市" in html
    options = re.findall(r"<option value=\"(\d*)\"[^>]*>([^<]+)</option>", html)
    assert options[0] == ("", "请选择地市")
    assert [name for _, name in options[1:]] == [
        "大同市", "阳泉市", "长治市", "晋城市", "朔州市", "晋中市", "运城市", "忻州市", "临汾市", "吕梁市",
    ]
    assert "提交申请" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_review_step_then_submit_creates_the_application(signed_in, candidate, frozen):
    fields = form_fields(signed_in.get(APPLY).content.decode())
    review = signed_in.post(APPLY, {**fields, "to_city": "1402", "action": "review"})
    html = review.content.decode()
    assert review.status_code == 200
    assert "确认转考信息无误后提交申请" in html
    assert "大同市" in html and "返回修改" in html
    assert not TransferApplication.objects.exists()

    done = signed_in.post(APPLY, {**fields, "to_city": "1402", "action": "confirm"}, follow=True)
    application = TransferApplication.objects.get()
    assert done.redirect_chain[-1][0] == f"/transfers/{application.number}/"
    html = done.content.decode()
    assert f"省内转考申请已提交，申请编号 {application.number}" in html
    assert "山西省高等教育自学考试省内转考申请信息详情" in html


def test_back_to_change_keeps_the_chosen_city(signed_in, frozen):
    fields = form_fields(signed_in.get(APPLY).content.decode())
    back = signed_in.post(APPLY, {**fields, "to_city": "1404", "action": "edit"})
    html = back.content.decode()
    assert "省内转考申请信息填报" in html
    assert re.search(r'<option value="1404" selected>长治市</option>', html)
    assert fields["token"] in html  # the same form: a later submit is still idempotent


def test_no_city_chosen_is_a_form_error_not_a_crash(signed_in, frozen):
    fields = form_fields(signed_in.get(APPLY).content.decode())
    response = signed_in.post(APPLY, {**fields, "to_city": "", "action": "review"})
    assert response.status_code == 400
    assert "请选择转入市。" in response.content.decode()


@pytest.mark.parametrize("to_city", ["1401", "9999", "abc"])
def test_own_city_or_nonsense_is_refused_in_the_form(signed_in, frozen, to_city):
    fields = form_fields(signed_in.get(APPLY).content.decode())
    response = signed_in.post(APPLY, {**fields, "to_city": to_city, "action": "confirm"})
    assert response.status_code == 400
    assert "不能选择您现在的所属地市" in response.content.decode()
    assert not TransferApplication.objects.exists()


def test_tampered_hidden_fields_lead_back_to_a_fresh_form(signed_in, frozen):
    response = signed_in.post(APPLY, {"token": "not-a-uuid", "window": "x", "to_city": "1402", "action": "confirm"})
    assert response.status_code == 302 and response["Location"] == APPLY
    assert not TransferApplication.objects.exists()


def test_double_submit_shows_the_one_application(signed_in, frozen):
    fields = form_fields(signed_in.get(APPLY).content.decode())
    data = {**fields, "to_city": "1402", "action": "confirm"}
    first = signed_in.post(APPLY, data)
    second = signed_in.post(APPLY, data)
    number = TransferApplication.objects.get().number
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/transfers/{number}/"
    assert "已提交过" not in signed_in.get(second["Location"]).content.decode()  # no scary message for a double click


def test_apply_redirects_to_details_once_an_application_exists(signed_in, candidate, frozen):
    application, _ = submit(candidate, city("1402"))
    response = signed_in.get(APPLY)
    assert response.status_code == 302
    assert response["Location"] == f"/transfers/{application.number}/"


def test_refusal_is_shown_before_filling_anything(client, window):
    candidate = CandidateFactory(approved=True, ticket_number=None)
    client.force_login(candidate.user)
    with time_machine.travel(CLOSES - datetime.timedelta(days=2), tick=False):
        html = client.get(APPLY).content.decode()
    assert "您还没有准考证号" in html
    assert "<select" not in html


def test_closed_window_is_explained(signed_in, window):
    with time_machine.travel(CLOSES + datetime.timedelta(hours=1), tick=False):
        html = signed_in.get(APPLY).content.decode()
    assert "本次省内转考申请已于2026年03月10日 17:00结束" in html
    assert "<select" not in html


def test_form_opened_before_closing_and_posted_after_gets_a_clear_message(signed_in, window):
    with time_machine.travel(CLOSES - datetime.timedelta(minutes=5), tick=False):
        fields = form_fields(signed_in.get(APPLY).content.decode())
    with time_machine.travel(CLOSES + datetime.timedelta(seconds=30), tick=False):
        response = signed_in.post(APPLY, {**fields, "to_city": "1402", "action": "confirm"})
    assert response.status_code == 409
    assert "本次省内转考申请已于2026年03月10日 17:00截止，您的申请未能提交。" in response.content.decode()
    assert not TransferApplication.objects.exists()


def test_unapproved_candidate_is_sent_to_identity(client, window):
    candidate = CandidateFactory(identity_status=Candidate.IdentityStatus.UNVERIFIED)
    client.force_login(candidate.user)
    response = client.get(APPLY)
    assert response.status_code == 302 and response["Location"] == reverse("identity")


def test_anonymous_visitor_is_sent_to_sign_in(client, window):
    for url in [APPLY, "/transfers/SNZK2026030500001/", "/transfers/SNZK2026030500001/pdf/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# ----------------------------------------------------------------------------- details, withdraw, IDOR


def test_details_page_shows_the_seed_table(signed_in, candidate, frozen):
    application, _ = submit(candidate, city("1402"))
    html = signed_in.get(f"/transfers/{application.number}/").content.decode()
    assert "山西省高等教育自学考试省内转考申请信息详情" in html
    for label in ["姓名：", "证件号码：", "准考证号：", "类型", "原属地市", "申请时间", "转入市", "备注", "打印", "返回个人中心"]:
        assert label in html
    assert candidate.masked_id_number in html and candidate.id_number not in html
    assert "省内转考" in html and "待原属地市审核" in html
    assert application.number in html
    assert "2026-03-05 10:30" in html
    assert f"/transfers/{application.number}/pdf/" in html
    assert "撤销申请" in html


def test_withdraw_asks_then_withdraws_and_the_form_is_open_again(signed_in, candidate, frozen):
    application, _ = submit(candidate, city("1402"))
    url = f"/transfers/{application.number}/withdraw/"
    confirm = signed_in.get(url).content.decode()
    assert "确认撤销" in confirm
    assert TransferApplication.objects.get().status == "pending_origin"  # a GET changes nothing
    done = signed_in.post(url, follow=True).content.decode()
    assert "已撤销" in done and "撤销申请</a>" not in done
    assert signed_in.get(APPLY).status_code == 200  # free to apply again


def test_withdraw_is_not_offered_after_release(signed_in, candidate, frozen, officers):
    from transfers import services

    application, _ = submit(candidate, city("1402"))
    services.release_transfer(officer=officers["taiyuan"], application=application)
    html = signed_in.get(f"/transfers/{application.number}/").content.decode()
    assert "待转入市审核" in html and "撤销申请" not in html
    response = signed_in.post(f"/transfers/{application.number}/withdraw/", follow=True)
    assert "已不能撤销" in response.content.decode()
    assert TransferApplication.objects.get().status == "pending_destination"


@pytest.mark.parametrize("suffix", ["", "pdf/", "withdraw/"])
def test_another_candidates_application_is_404(client, candidate, frozen, suffix):
    application, _ = submit(candidate, city("1402"))
    intruder = CandidateFactory(approved=True)
    client.force_login(intruder.user)
    assert client.get(f"/transfers/{application.number}/{suffix}").status_code == 404
    if suffix == "withdraw/":
        assert client.post(f"/transfers/{application.number}/{suffix}").status_code == 404
        assert TransferApplication.objects.get().status == "pending_origin"


@pytest.mark.parametrize("number", ["SNZK2026030500002", "SNZK2026030599999", "SNZK1", "140105199001011234"])
def test_guessing_numbers_gives_404(signed_in, candidate, frozen, number):
    submit(candidate, city("1402"))
    assert signed_in.get(f"/transfers/{number}/").status_code == 404
    assert signed_in.get(f"/transfers/{number}/pdf/").status_code == 404


def test_officer_without_candidate_profile_is_sent_to_admin(client, candidate, frozen, officers):
    application, _ = submit(candidate, city("1402"))
    client.force_login(officers["taiyuan"])
    response = client.get(f"/transfers/{application.number}/")
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_stale_token_of_another_candidate_is_not_a_500(client, candidate, frozen):
    token = uuid.uuid4()
    submit(candidate, city("1402"), token=token)
    other = CandidateFactory(approved=True)
    client.force_login(other.user)
    window = TransferApplication.objects.get().window_id
    response = client.post(APPLY, {"token": str(token), "window": window, "to_city": "1402", "action": "confirm"})
    assert response.status_code == 409
    assert "该申请表已失效" in response.content.decode()


def test_closed_window_page_still_lists_the_candidates_applications(signed_in, candidate, window, officers):
    from transfers import services

    application, _ = submit(candidate, city("1402"))
    services.refuse_release(officer=officers["taiyuan"], application=application, remark="材料不全")
    with time_machine.travel(CLOSES + datetime.timedelta(days=1), tick=False):
        html = signed_in.get(APPLY).content.decode()
    assert "已于2026年03月10日 17:00结束" in html
    assert f'href="/transfers/{application.number}/"' in html
    assert "未通过：材料不全" in html


def test_a_second_tab_is_told_an_application_already_exists(signed_in, frozen):
    first_tab = form_fields(signed_in.get(APPLY).content.decode())
    second_tab = form_fields(signed_in.get(APPLY).content.decode())
    signed_in.post(APPLY, {**first_tab, "to_city": "1402", "action": "confirm"})
    response = signed_in.post(APPLY, {**second_tab, "to_city": "1404", "action": "confirm"}, follow=True)
    number = TransferApplication.objects.get().number
    assert response.redirect_chain[-1][0] == f"/transfers/{number}/"
    assert f"已提交过省内转考申请（申请编号 {number}）" in response.content.decode()
    assert TransferApplication.objects.get().to_city.name == "大同市"
