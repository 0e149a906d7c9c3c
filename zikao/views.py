import sys

from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zikao import selectors
from zikao.blocks import cached_block
from zikao.content import render_notice_body
from zikao.middleware import DATABASE_DOWN, database_unavailable_response
from zikao.models import Notice

HOME_LIST_LENGTH = 9

def _notices_block(now):
    """重要提示 and 自考资讯: the same for every visitor, so rendered once and shared (zikao.blocks).
    On the morning a window opens, candidates reload the home page until it does."""

    def render():
        html = render_to_string("zikao/_home_notices.html", {
            "important": selectors.published_notices(Notice.Category.IMPORTANT, now=now)[:HOME_LIST_LENGTH],
            "news": selectors.published_notices(Notice.Category.NEWS, now=now)[:HOME_LIST_LENGTH - 1],
        })
        return html, selectors.next_publication(now=now)

    return cached_block("notices", render, now=now)


def home(request):
    return render(request, "zikao/home.html", {"notices_block": _notices_block(timezone.now())})


def notice_list(request):
    category = request.GET.get("category", "")
    if category not in Notice.Category.values:
        category = ""
    page = Paginator(selectors.published_notices(category or None), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "zikao/notice_list.html",
        {
            "page": page,
            "category": category,
            "category_label": Notice.Category(category).label if category else "全部公告",
            "categories": Notice.Category.choices,
        },
    )


def notice_detail(request, pk):
    notice = selectors.get_published_notice(pk)
    return render(request, "zikao/notice_detail.html", {"notice": notice, "body": render_notice_body(notice.body)})


def notice_attachment(request, pk):
    """A published notice's attachment (报考简章, 表格下载), served by the portal under the
    notice's own title so it works the same on local disk and on an object store."""
    notice = selectors.get_published_notice(pk)
    if not notice.attachment:
        raise Http404
    name = notice.attachment.name.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    download_name = f"{notice.title}.{extension}" if extension else notice.title
    return FileResponse(notice.attachment.open("rb"), as_attachment=True, filename=download_name)


def registration_points(request):
    """报名点查询: a signed-in candidate starts on their own city; anyone can pick a city or
    search by county name; with neither, the cities are listed collapsed (122 offices
    are about 27 phone screens)."""
    cities = list(selectors.cities())
    county_query = request.GET.get("q", "").strip()[:20]
    city_code = request.GET.get("city")
    own_city = None
    if city_code is None and not county_query:
        candidate = getattr(request.user, "candidate", None) if request.user.is_authenticated else None
        if candidate is not None:
            city_code = own_city = candidate.county.city_id
    if city_code not in {city.code for city in cities}:
        city_code = ""
    groups = {}
    for point in selectors.registration_points(city_code or None, county_name=county_query or None):
        groups.setdefault(point.county.city, []).append(point)
    return render(
        request,
        "zikao/points.html",
        {
            "groups": groups, "cities": cities, "city_code": city_code, "county_query": county_query,
            "own_city": own_city, "collapsed": not city_code and not county_query,
        },
    )


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any database failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    """handler500: 503 with Retry-After when the database is what failed, else the Chinese 500 page.

    Rendered without the request (no context processors, no session, no database).
    """
    if isinstance(sys.exception(), DATABASE_DOWN):
        return database_unavailable_response()
    return HttpResponseServerError(render_to_string("500.html"))
