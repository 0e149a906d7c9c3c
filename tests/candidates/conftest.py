import pytest
from captcha.models import CaptchaStore

from tests.factories import DEFAULT_PASSWORD, CandidateFactory


@pytest.fixture
def captcha():
    """A solved captcha, as a person would type it: {"captcha_0": key, "captcha_1": answer}."""

    def solve():
        key = CaptchaStore.generate_key()
        return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}

    return solve


@pytest.fixture
def login_post(client, captcha):
    """POST the sign-in form the way the home-page box does."""

    def post(username, password=DEFAULT_PASSWORD, *, ip="10.0.0.1", follow=False, **extra):
        data = {"username": username, "password": password, **captcha(), **extra}
        return client.post("/accounts/login/", data, REMOTE_ADDR=ip, follow=follow)

    return post


@pytest.fixture
def approved(db):
    return CandidateFactory(approved=True, email="zhang@example.com")
