"""Shared browser-test helpers: accessibility scan, screenshots, captcha answers."""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def assert_accessible(page, *, impacts=("serious", "critical")):
    """Run axe-core on the page; fail on any serious or critical violation."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in impacts]
    detail = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in bad
    )
    assert not bad, f"axe-core found {len(bad)} serious/critical violations on {page.url}:\n{detail}"
    return results


def fits_the_phone(page, width=360):
    """True when the page, once loaded, needs no sideways scrolling at `width` pixels."""
    page.wait_for_load_state()
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


def screenshot(page, artifacts_dir, name):
    path = artifacts_dir / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def solve_captcha(page, form_selector="form"):
    """Read the captcha's answer from the database, as a person reads the image."""
    from captcha.models import CaptchaStore

    key = page.locator(f"{form_selector} input[name$='captcha_0']").first.input_value()
    answer = CaptchaStore.objects.get(hashkey=key).response
    page.locator(f"{form_selector} input[name$='captcha_1']").first.fill(answer)
    return answer


def collect_offsite_requests(page, live_server_url):
    """Record every request that leaves the site (CDNs included)."""
    offsite = []

    def on_request(request):
        url = request.url
        if not (url.startswith(live_server_url) or url.startswith("data:") or url.startswith("blob:")):
            offsite.append(url)

    page.on("request", on_request)
    return offsite


def admin_page(browser, live_server, username, password=None):
    """A desktop browser page signed in to Django admin as ``username``."""
    from tests.factories import DEFAULT_PASSWORD

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password or DEFAULT_PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    return page
