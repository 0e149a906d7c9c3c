"""Steps shared by the exam-day journeys (准考证打印, 当次成绩查询, 成绩复核): downloading and
reading back the ticket PDF, and a county officer correcting a score in admin."""

import re
import subprocess

from playwright.sync_api import expect

from tests.e2e.helpers import admin_page, screenshot


def download_ticket(page, artifacts_dir, name="ticket"):
    """Click 下载准考证（PDF） on the ticket page; save the PDF and a picture of it in the artifacts.
    Returns the suggested file name and the saved PDF's path."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载准考证（PDF）").click()
    download = download_info.value
    pdf_path = artifacts_dir / f"{name}.pdf"
    download.save_as(pdf_path)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf_path), str(artifacts_dir / f"{name}-pdf")],
        check=True,
    )
    return download.suggested_filename, pdf_path


def pdf_text(pdf_path, *, layout=False):
    """The PDF's text as pdftotext reads it: with ``layout`` a table row stays on one line,
    without it every white space is removed (words broken across lines read whole)."""
    text = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text if layout else re.sub(r"\s+", "", text)


def correct_score_in_admin(
    browser,
    live_server,
    officer_username,
    *,
    candidate_name,
    reason,
    score,
    remark,
    artifacts_dir,
    prefix="scores",
):
    """The county officer opens the candidate's 成绩复核 in admin, reads the reason and corrects
    the score."""
    admin = admin_page(browser, live_server, officer_username)
    admin.get_by_role("link", name="成绩复核").first.click()
    admin.get_by_role("link", name=candidate_name).first.click()
    expect(admin.locator("div.readonly").filter(has_text=reason).first).to_be_visible()
    screenshot(admin, artifacts_dir, f"{prefix}-recheck-admin-case")
    admin.goto(admin.url.split("/change/")[0] + "/correct/")
    admin.get_by_label("更正后成绩").fill(str(score))
    admin.get_by_label("复核说明").fill(remark)
    screenshot(admin, artifacts_dir, f"{prefix}-recheck-admin-correct")
    admin.get_by_role("button", name="确认更正").click()
    expect(admin.get_by_text(f"成绩为 {score}")).to_be_visible()
    admin.context.close()
