"""考生注册 › 我是新考生: every rule of the form, the service and the page."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from candidates.forms import NewCandidateForm
from candidates.models import Candidate
from candidates.services import AccountError, register_new_candidate
from tests.factories import CandidateFactory, EnrolledRecordFactory, county, make_id_number
from zikao.idnumbers import check_digit
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db

ID_MALE = make_id_number(county_code="140105", birth=datetime.date(1999, 9, 9), sequence=12, gender="M")
ID_FEMALE_X = "14010519900101018X"  # 17th digit 8 (even): female; check digit X
assert check_digit(ID_FEMALE_X[:17]) == "X"


def form_data(captcha, **overrides):
    data = {
        "name": "张伟", "id_number": ID_MALE, "gender": "M", "ethnicity": "汉族",
        "household_type": "non_agricultural", "education_level": "senior_high", "occupation": "employee",
        "political_status": "masses", "mobile": "13803510001", "email": "zhangwei@example.com",
        "city": "1401", "county": "140105", "password1": "Shanxi2026ok", "password2": "Shanxi2026ok",
        **captcha(),
    }
    data.update(overrides)
    return data


def errors(form, field):
    return [error.code for error in form.errors.as_data().get(field, [])]


def test_valid_form(captcha):
    form = NewCandidateForm(form_data(captcha))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["county"].code == "140105"


@pytest.mark.parametrize(
    ("id_number", "code"),
    [
        (ID_MALE[:17], "id_length"),
        (ID_MALE + "1", "max_length"),
        ("14010519990909A21X", "id_format"),
        ("990105199909091210", "id_province"),  # 99 is no province
        ("140105199902301213", "id_birth_date"),  # 30 February
        (ID_MALE[:17] + ("0" if ID_MALE[17] != "0" else "1"), "id_check_digit"),
    ],
)
def test_invalid_id_numbers_are_refused_with_their_reason(captcha, id_number, code):
    form = NewCandidateForm(form_data(captcha, id_number=id_number))
    assert not form.is_valid()
    assert code in errors(form, "id_number")


def test_future_birth_date_really_is_in_the_future(captcha):
    year = datetime.date.today().year + 1
    first17 = f"140105{year}0101121"
    form = NewCandidateForm(form_data(captcha, id_number=first17 + check_digit(first17)))
    assert not form.is_valid()
    assert errors(form, "id_number") == ["id_birth_date"]


def test_lowercase_x_is_accepted_and_stored_as_capital_x(captcha):
    form = NewCandidateForm(form_data(captcha, id_number=ID_FEMALE_X.lower(), gender="F"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == ID_FEMALE_X


def test_gender_must_agree_with_the_17th_digit(captcha):
    form = NewCandidateForm(form_data(captcha, gender="F"))  # ID_MALE: odd 17th digit
    assert not form.is_valid()
    assert errors(form, "gender") == ["gender_mismatch"]
    assert "第17位" in form.errors["gender"][0]


def test_a_registered_id_number_points_to_sign_in_and_recovery(client, captcha):
    CandidateFactory(id_number=ID_MALE)
    form = NewCandidateForm(form_data(captcha))
    assert not form.is_valid()
    assert errors(form, "id_number") == ["id_registered"]

    page = client.post(reverse("register_new"), form_data(captcha)).content.decode()
    assert "该身份证号已注册" in page
    assert f'href="{reverse("login")}"' in page
    assert f'href="{reverse("password_reset")}"' in page


def test_an_id_number_in_the_enrolled_registry_is_sent_to_the_enrolled_flow(captcha):
    record = EnrolledRecordFactory()
    form = NewCandidateForm(form_data(captcha, id_number=record.id_number, gender="F"))
    assert not form.is_valid()
    assert errors(form, "id_number") == ["id_enrolled"]


@pytest.mark.parametrize("mobile", ["1380351000", "138035100011", "23803510001", "1380351000a", ""])
def test_mobile_must_be_11_digits_starting_with_1(captcha, mobile):
    form = NewCandidateForm(form_data(captcha, mobile=mobile))
    assert not form.is_valid()
    assert errors(form, "mobile")[0] in {"mobile_invalid", "required", "max_length"}


def test_email_is_optional_but_must_be_well_formed(captcha):
    assert NewCandidateForm(form_data(captcha, email="")).is_valid()
    form = NewCandidateForm(form_data(captcha, email="zhang@"))
    assert not form.is_valid()
    assert errors(form, "email") == ["invalid"]


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab12", "password_too_short"),
        ("abcdefghij", "password_letters_digits"),
        ("1234567890", "password_letters_digits"),
        ("password1", "password_too_common"),
        (f"a{ID_MALE}", "password_contains_id_number"),
        (f"Zikao{ID_MALE[-6:]}", "password_contains_id_tail"),
    ],
)
def test_password_rules(captcha, password, code):
    form = NewCandidateForm(form_data(captcha, password1=password, password2=password))
    assert not form.is_valid()
    assert code in errors(form, "password1")


def test_password_containing_the_id_tail_with_a_lowercase_x(captcha):
    password = "Kaoshi" + ID_FEMALE_X[-6:].lower()
    form = NewCandidateForm(form_data(captcha, id_number=ID_FEMALE_X, gender="F", password1=password, password2=password))
    assert errors(form, "password1") == ["password_contains_id_tail"]


def test_passwords_must_match(captcha):
    form = NewCandidateForm(form_data(captcha, password2="Shanxi2026no"))
    assert errors(form, "password2") == ["password_mismatch"]


def test_county_must_belong_to_the_chosen_city(captcha):
    form = NewCandidateForm(form_data(captcha, city="1402", county="140105"))
    assert errors(form, "county") == ["county_city_mismatch"]


def test_county_select_is_grouped_by_city_and_lists_every_county(captcha):
    html = str(NewCandidateForm()["county"])
    assert html.count("<optgroup") == 11
    assert '<optgroup label="太原市">' in html
    assert html.count("<option") == 122 + 1  # every county and the placeholder


def test_ethnicity_offers_the_56_groups():
    choices = NewCandidateForm().fields["ethnicity"].choices
    assert len(choices) == 57 and choices[1] == ("汉族", "汉族")


def test_wrong_captcha(captcha):
    form = NewCandidateForm(form_data(captcha, captcha_1="wrong"))
    assert not form.is_valid()
    assert form.errors["captcha"] == ["验证码不正确，请重新输入。"]


def test_values_survive_a_failed_submit_except_passwords_and_captcha(client, captcha):
    data = form_data(captcha, gender="F", email="zhang@example.com")  # gender mismatch
    page = client.post(reverse("register_new"), data).content.decode()
    assert "性别与身份证号不一致" in page
    for value in ["张伟", ID_MALE, "13803510001", "zhang@example.com"]:
        assert f'value="{value}"' in page
    for value in ["汉族", "non_agricultural", "senior_high", "employee", "masses", "1401", "140105"]:
        assert f'value="{value}" selected' in page, value
    assert "Shanxi2026ok" not in page
    assert data["captcha_1"] not in page.split("captcha_1")[1][:200]


def test_registration_signs_in_and_sends_to_photo_upload(client, captcha):
    response = client.post(reverse("register_new"), form_data(captcha))
    assert response.status_code == 302
    assert response["Location"] == reverse("identity")

    candidate = Candidate.objects.get(id_number=ID_MALE)
    assert candidate.kind == Candidate.Kind.NEW
    assert candidate.identity_status == Candidate.IdentityStatus.UNVERIFIED
    assert candidate.birth_date == datetime.date(1999, 9, 9)
    assert candidate.county.code == "140105"
    assert candidate.ticket_number is None
    assert ID_MALE not in candidate.user.username
    assert int(client.session["_auth_user_id"]) == candidate.user.pk
    assert AuditEvent.objects.filter(action="register_candidate", object_id=str(candidate.pk)).exists()


@override_settings(PASSWORD_HASHERS=["zikao.hashers.PortalArgon2PasswordHasher"])
def test_password_is_stored_with_argon2id_at_owasp_minimum(client, captcha):
    client.post(reverse("register_new"), form_data(captcha))
    encoded = Candidate.objects.get(id_number=ID_MALE).user.password
    assert encoded.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")


def _service_kwargs(**overrides):
    kwargs = {
        "name": "张伟", "id_number": ID_MALE, "gender": "M", "ethnicity": "汉族", "household_type": "agricultural",
        "education_level": "bachelor", "occupation": "student", "political_status": "masses",
        "mobile": "13803510001", "email": "", "county": county("140105"), "password": "Shanxi2026ok",
    }
    kwargs.update(overrides)
    return kwargs


def test_service_refuses_a_second_account_for_one_id_number():
    register_new_candidate(**_service_kwargs())
    with pytest.raises(AccountError) as raised:
        register_new_candidate(**_service_kwargs(name="张三"))
    assert raised.value.code == "id_registered"
    assert Candidate.objects.filter(id_number=ID_MALE).count() == 1


def test_service_refuses_a_gender_mismatch():
    with pytest.raises(AccountError) as raised:
        register_new_candidate(**_service_kwargs(gender="F"))
    assert raised.value.code == "gender_mismatch"
    assert not Candidate.objects.exists()


def test_signed_in_candidate_is_not_shown_the_form_again(client, captcha):
    client.post(reverse("register_new"), form_data(captcha))
    assert client.get(reverse("register_new"))["Location"] == reverse("identity")


def test_chooser_shows_both_cards_with_seed_texts_and_flows(client):
    page = client.get(reverse("register")).content.decode()
    for text in [
        "我是新考生", "我是在籍考生",
        "我是新考生，首次参加自学考试，需要完成考生信息注册，并且上传“三照”完成考生身份认证",
        "1、考生免冠彩色证件照（蓝底、白底、白灰底）", "2、考生身份证照片（人像面）", "3、考生手持身份证照（半身）",
        "三张照片要求必须为同一人，照片文件小于2M，并且确保照片清晰。",
        "两张照片要求必须为同一人，照片文件小于2M，并且确保照片清晰。",
        "通过身份证、姓名登录", "设置登录密码", "我是新生，点击开始注册", "我是在籍考生，点击完成认证",
        "可到所属的报名点进行人工审核",
    ]:
        assert text in page, text
    assert page.count('class="steps"') == 2
    assert f'href="{reverse("register_new")}"' in page
    assert f'href="{reverse("register_enrolled")}"' in page


def test_submits_from_one_address_are_rate_limited(client, captcha, settings):
    from candidates import throttle

    for _ in range(throttle.REGISTER_PER_IP.limit):
        client.post(reverse("register_new"), form_data(captcha, gender="F"), REMOTE_ADDR="10.3.3.3")
    response = client.post(reverse("register_new"), form_data(captcha), REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert not Candidate.objects.exists()
    assert client.post(reverse("register_new"), form_data(captcha), REMOTE_ADDR="10.3.3.4").status_code == 302
