"""Content-Security-Policy: every candidate page and the officers' admin pages load with no violation.

Chromium reports each blocked inline script, inline style, foreign image or font
as a console error ("Refused to … Content Security Policy"); any such message fails.
"""

import uuid

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.e2e.accounts import sign_in
from tests.e2e.helpers import admin_page
from tests.factories import (
    BusinessWindowFactory,
    CandidateFactory,
    NoticeFactory,
    OfficerFactory,
    city,
    county,
)
from transfers import services

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC = [
    "/", "/notices/", "/points/", "/accounts/login/", "/accounts/password/reset/",
    "/accounts/password/reset/?county=140105", "/accounts/password/reset/sent/", "/accounts/ticket-number/",
    "/register/", "/register/new/", "/register/enrolled/", "/no-such-page/",
]


def watch_csp(page):
    violations = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    return violations


def visit(page, url):
    # "load": stylesheets, scripts and images are in, so every violation has been reported.
    return page.goto(url, wait_until="load")


@pytest.fixture
def application():
    BusinessWindowFactory()
    candidate = CandidateFactory(approved=True, name="王芳", county=county("140105"))
    application, _ = services.submit_transfer(candidate=candidate, to_city=city("1402"), token=uuid.uuid4())
    return application


def test_the_detector_sees_a_violation(phone_page, live_server):
    violations = watch_csp(phone_page)
    response = visit(phone_page, live_server.url + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    phone_page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    phone_page.wait_for_timeout(200)  # the console message arrives asynchronously
    assert violations


def test_candidate_pages_have_no_csp_violation(phone_page, live_server, application):
    notice = NoticeFactory()
    page = phone_page
    violations = watch_csp(page)
    for path in [*PUBLIC, f"/notices/{notice.pk}/"]:
        response = visit(page, live_server.url + path)
        assert "default-src 'self'" in response.headers["content-security-policy"]

    # A candidate whose photos are still to come: the upload page and its previews.
    newcomer = CandidateFactory()
    sign_in(page, live_server, newcomer.id_number)
    visit(page, live_server.url + "/identity/")
    page.context.clear_cookies()

    candidate = application.candidate
    sign_in(page, live_server, candidate.ticket_number)
    for path in ["/center/", "/center/profile/", "/accounts/password/", "/identity/",
                 "/transfers/in-province/apply/", f"/transfers/{application.number}/"]:
        visit(page, live_server.url + path)
    assert violations == []


def test_officer_admin_pages_have_no_csp_violation(browser, live_server, application):
    OfficerFactory(username="csp-admin", is_superuser=True)
    page = admin_page(browser, live_server, "csp-admin")
    violations = watch_csp(page)
    visit(page, live_server.url + "/admin/")
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        visit(page, live_server.url + reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        visit(page, live_server.url + reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            visit(page, live_server.url + reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
    for name in ["transfers_release", "transfers_refuse_release"]:
        visit(page, live_server.url + reverse(f"admin:{name}", args=[application.pk]))
    for name in ["transfers_export", "transfers_verify"]:
        visit(page, live_server.url + reverse(f"admin:{name}"))
    page.context.close()
    assert violations == []
