"""The officers' workbench: one mechanism every review queue in admin joins by declaring itself.

A ModelAdmin becomes a queue with ``WorkbenchMixin`` and a ``Queue`` declaration::

    class ThingAdmin(WorkbenchMixin, admin.ModelAdmin):
        queue = Queue(
            key="thing", label="某某审核",
            open_q=Q(status="pending"),                       # a case still waits for somebody
            waiting_for=lambda user: Q(status="pending"),     # ... for this officer (within get_queryset's scope)
            since="submitted_at",                             # waiting since (a field name or an expression)
            city="candidate__county__city",                   # whose figures a province officer sees per city
            overdue_days=3,
        )

From that alone come: the dashboard on the admin index (count and oldest age per queue,
by city for the province, counts in the sidebar), the list opening on 待我处理 oldest first,
the 等待天数 column with 超期 highlighted and filtered, claiming (由我处理, mine / unassigned
filters, lapsing after ``WORKBENCH_CLAIM_MINUTES``), the decision bar on the review page with
通过并下一条 / 不通过并下一条 keeping the list's filters and search, and exports of the filtered
list as .xlsx and CSV. docs/workbench.md walks through adding a queue.
"""

import copy
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, urlencode

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Min, OuterRef, Q, Subquery
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from zikao import services as claims
from zikao.audit import AuditAction, record_event
from zikao.errors import DomainError
from zikao.models import CaseClaim, City

WAITING_PARAM = "wb"  # 待我处理 / 全部待处理 / 全部
OVERDUE_PARAM = "overdue"
CLAIM_PARAM = "claim"
FORMAT_PARAM = "format"


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    open_q: Q
    waiting_for: Callable
    since: object = "submitted_at"
    city: object = None
    overdue_days: int = 3
    # Common refusal reasons offered as presets beside the free text (decision bar).
    refusal_presets: tuple = ()
    export_columns: tuple = field(default=())

    def since_expression(self):
        return F(self.since) if isinstance(self.since, str) else self.since

    def city_expression(self):
        return F(self.city) if isinstance(self.city, str) else self.city

    def overdue_cutoff(self, now=None):
        return (now or timezone.now()) - timedelta(days=self.overdue_days)


@dataclass
class Decision:
    """One button of the decision bar: posts ``form`` to ``url`` and goes on to the next case."""

    label: str
    url: str
    form: object = None
    refuse: bool = False
    presets: tuple = ()
    preset_field: str = ""
    note: str = ""  # what happens next, said in the confirmation dialog


def waiting_days(since, now=None):
    if since is None:
        return None
    return max(0, ((now or timezone.now()) - since).days)


def _live_claims(queue, now=None):
    return CaseClaim.objects.filter(
        queue=queue.key, object_id=OuterRef("pk"), claimed_at__gt=(now or timezone.now()) - claims.claim_lapse()
    )


def annotate_queue(queryset, queue, now=None):
    """Waiting-since, still-open and the live claim's holder, as columns: no query per row."""
    live = _live_claims(queue, now)
    return queryset.annotate(
        wb_since=queue.since_expression(),
        wb_open=ExpressionWrapper(queue.open_q, output_field=BooleanField()),
        wb_holder_id=Subquery(live.values("holder_id")[:1]),
        wb_holder_name=Subquery(live.values("holder__username")[:1]),
    )


# ---------------------------------------------------------------------------------- list filters
class WaitingFilter(admin.SimpleListFilter):
    """待我处理 is where a queue opens; 全部 must be asked for."""

    title = "待办"
    parameter_name = WAITING_PARAM

    def lookups(self, request, model_admin):
        return [("mine", "待我处理"), ("open", "全部待处理"), ("all", "全部")]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value or (self.value() is None and value == "all"),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        queue = self.model_admin_queue
        if self.value() == "mine":
            return queryset.filter(queue.open_q & queue.waiting_for(request.user))
        if self.value() == "open":
            return queryset.filter(queue.open_q)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "超期"
    parameter_name = OVERDUE_PARAM

    def lookups(self, request, model_admin):
        return [("1", f"超期（等待超过 {model_admin.queue.overdue_days} 天）")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            queue = self.model_admin_queue
            return queryset.filter(queue.open_q, wb_since__lt=queue.overdue_cutoff())
        return queryset


class ClaimFilter(admin.SimpleListFilter):
    title = "认领"
    parameter_name = CLAIM_PARAM

    def lookups(self, request, model_admin):
        return [("mine", "由我处理"), ("unassigned", "无人认领"), ("others", "他人处理中")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(wb_holder_id=request.user.pk)
        if self.value() == "unassigned":
            return queryset.filter(self.model_admin_queue.open_q, wb_holder_id__isnull=True)
        if self.value() == "others":
            return queryset.filter(wb_holder_id__isnull=False).exclude(wb_holder_id=request.user.pk)
        return queryset


def _bind(filter_class, queue):
    return type(filter_class.__name__, (filter_class,), {"model_admin_queue": queue})


class WorkbenchChangeList(ChangeList):
    """The admin's list with the queue's columns annotated and the oldest case first."""

    def get_queryset(self, request, exclude_parameters=None):
        self.root_queryset = annotate_queue(self.root_queryset, self.model_admin.queue)
        return super().get_queryset(request, exclude_parameters)

    def get_ordering(self, request, queryset):
        if self.params.get("o") is not None:
            return super().get_ordering(request, queryset)
        return ["wb_since", "pk"]


# ---------------------------------------------------------------------------------- the mixin
class WorkbenchMixin:
    queue: Queue = None
    # The errors a decision's service raises when a rule says no (shown, then back to the case).
    decision_errors = (DomainError,)

    # --- list ---------------------------------------------------------------------------------
    def get_changelist(self, request, **kwargs):
        return WorkbenchChangeList

    def get_list_filter(self, request):
        queue = self.queue
        return [
            _bind(WaitingFilter, queue), _bind(OverdueFilter, queue), _bind(ClaimFilter, queue),
            *super().get_list_filter(request),
        ]

    def get_list_display(self, request):
        # Right after the case's link: at 1280 px the age and the holder are never scrolled away.
        columns = list(super().get_list_display(request))
        return [*columns[:1], "wb_waiting", "wb_holder", *columns[1:]]

    @admin.display(description="等待", ordering="wb_since")
    def wb_waiting(self, obj):
        if not getattr(obj, "wb_open", False):
            return "—"
        days = waiting_days(obj.wb_since)
        if obj.wb_since and obj.wb_since < self.queue.overdue_cutoff():
            return format_html('<span class="wb-overdue">{} 天 超期</span>', days)
        return f"{days} 天"

    @admin.display(description="处理人")
    def wb_holder(self, obj):
        name = getattr(obj, "wb_holder_name", None)
        if not name or not getattr(obj, "wb_open", False):
            return "—"
        return format_html('<span class="wb-holder">{}</span>', name)

    def changelist_view(self, request, extra_context=None):
        # A queue opens on 待我处理: the sidebar and the breadcrumbs link the bare list.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "GET" and not request.GET:
            return HttpResponseRedirect(f"{request.path}?{WAITING_PARAM}=mine")
        query = request.GET.copy()
        export = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_wb_export")
        extra_context = {
            **(extra_context or {}),
            "wb_queue": self.queue,
            "wb_export_xlsx": f"{export}?{_with(query, FORMAT_PARAM, 'xlsx')}",
            "wb_export_csv": f"{export}?{_with(query, FORMAT_PARAM, 'csv')}",
        }
        return super().changelist_view(request, extra_context)

    # --- review page -----------------------------------------------------------------------
    def workbench_decisions(self, request, obj):
        """The decision bar's buttons for ``obj`` (a list of Decision); each admin says which apply."""
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if obj is not None:
            preserved = self.wb_preserved(request)
            claim = self.live_claim(obj)
            since = annotate_queue(self.get_queryset(request).filter(pk=obj.pk), self.queue).values_list(
                "wb_since", "wb_open"
            ).first()
            opts = self.opts
            decisions = self.workbench_decisions(request, obj)
            for decision in decisions:
                decision.url = add_preserved_filters({"preserved_filters": preserved, "opts": opts}, decision.url)
            extra_context.update(
                wb_queue=self.queue,
                wb_claim=claim,
                wb_claim_mine=claim is not None and claim.holder_id == request.user.pk,
                wb_claim_url=add_preserved_filters(
                    {"preserved_filters": preserved, "opts": opts},
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_wb_claim", args=[obj.pk]),
                ),
                wb_release_url=add_preserved_filters(
                    {"preserved_filters": preserved, "opts": opts},
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_wb_release", args=[obj.pk]),
                ),
                wb_waiting_days=waiting_days(since[0]) if since and since[1] else None,
                wb_overdue=bool(since and since[1] and since[0] and since[0] < self.queue.overdue_cutoff()),
                wb_decisions=decisions,
                wb_list_url=self.wb_list_url(request),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # --- claims ------------------------------------------------------------------------------
    def live_claim(self, obj):
        return (
            CaseClaim.objects.select_related("holder")
            .filter(queue=self.queue.key, object_id=obj.pk, claimed_at__gt=timezone.now() - claims.claim_lapse())
            .first()
        )

    def wb_claim_view(self, request, object_id):
        obj = self.wb_scoped_or_404(request, object_id)
        if not self.get_queryset(request).filter(self.queue.open_q, pk=obj.pk).exists():
            self.message_user(request, "该案件已处理完毕，无需认领。", messages.INFO)
            return HttpResponseRedirect(self.wb_change_url(request, obj))
        try:
            claims.claim_case(
                officer=request.user, queue=self.queue.key, obj=obj, take_over=request.POST.get("take_over") == "1"
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.WARNING)
        else:
            self.message_user(request, "已认领：该案件由您处理，其他工作人员会看到处理人。", messages.SUCCESS)
        return HttpResponseRedirect(self.wb_change_url(request, obj))

    def wb_release_claim_view(self, request, object_id):
        obj = self.wb_scoped_or_404(request, object_id)
        try:
            claims.release_claim(officer=request.user, queue=self.queue.key, obj=obj)
        except DomainError as error:
            self.message_user(request, error.message, messages.WARNING)
        else:
            self.message_user(request, "已放弃认领。", messages.SUCCESS)
        return HttpResponseRedirect(self.wb_change_url(request, obj))

    # --- deciding and going on ------------------------------------------------------------------
    # A decision's confirmation page (for browsers without JavaScript, or opened directly): a
    # template extending admin/decision_confirm.html, given the case as ``decision_object_name``.
    decision_template = ""
    decision_object_name = "application"

    def decision_page(self, request, obj, *, title, button, form=None, danger=False, note=""):
        from zikao.views_helpers import admin_page_context

        opts = self.model._meta
        context = admin_page_context(
            self, request, title=title, form=form, button=button, danger=danger, note=note,
            change_url=reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
            **{self.decision_object_name: obj},
        )
        return TemplateResponse(request, self.decision_template, context)

    def workbench_finish(self, request, obj, call, success):
        """Run one decision (``call``), then open the next case of the list the officer came from.

        A case someone else holds asks first (a page that re-posts with take_over=1). A refused
        decision comes back to the case with the service's message.
        """
        claim = self.live_claim(obj)
        if claim is not None and claim.holder_id != request.user.pk and request.POST.get("take_over") != "1":
            return TemplateResponse(request, "admin/workbench/claim_confirm.html", {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "该案件正由他人处理",
                "claim": claim,
                "object": obj,
                "fields": [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "take_over")],
                "change_url": self.wb_change_url(request, obj),
            })
        try:
            call()
        except self.decision_errors as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(self.wb_change_url(request, obj))
        self.message_user(request, success, messages.SUCCESS)
        following = self.next_case(request, after=obj)
        if following is None:
            self.message_user(request, "当前列表中已没有等待处理的案件。", messages.INFO)
            return HttpResponseRedirect(self.wb_list_url(request))
        return HttpResponseRedirect(self.wb_change_url(request, following))

    def next_case(self, request, *, after):
        """The oldest still-open case of the officer's filtered list, other than ``after`` and
        not held by someone else; None when the list has nothing left."""
        listing = copy.copy(request)
        listing.method = "GET"
        listing.GET = QueryDict(self.wb_filters(request) or f"{WAITING_PARAM}=mine")
        try:
            changelist = self.get_changelist_instance(listing)
        except IncorrectLookupParameters:
            return None
        return (
            changelist.queryset.filter(wb_open=True).exclude(pk=after.pk)
            .exclude(Q(wb_holder_id__isnull=False) & ~Q(wb_holder_id=request.user.pk))
            .first()
        )

    # --- export ------------------------------------------------------------------------------
    def wb_export_view(self, request):
        """The list as filtered and searched on screen, as .xlsx or CSV (ID numbers masked)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        kind = request.GET.get(FORMAT_PARAM, "xlsx")
        listing = copy.copy(request)
        listing.GET = QueryDict(urlencode([(k, v) for k, v in request.GET.items() if k != FORMAT_PARAM]))
        try:
            changelist = self.get_changelist_instance(listing)
        except IncorrectLookupParameters:
            changelist = None
        rows = changelist.queryset if changelist is not None else self.get_queryset(request).none()
        columns = self.workbench_export_columns()
        header = [label for label, _value in columns] + ["等待天数", "处理人"]
        table = []
        for obj in rows:
            values = [value(obj) for _label, value in columns]
            values.append(waiting_days(obj.wb_since) if obj.wb_open else "")
            values.append(obj.wb_holder_name or "" if obj.wb_open else "")
            table.append(values)
        record_event(
            actor=request.user, action=AuditAction.QUEUE_EXPORT, object_type=self.opts.label_lower,
            object_id=self.queue.key, data={"rows": len(table), "format": kind, "filters": listing.GET.urlencode()},
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"{self.queue.label}-{stamp}"
        if kind == "csv":
            buffer = io.StringIO()
            buffer.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
            writer = csv.writer(buffer)
            writer.writerow(header)
            writer.writerows([[_csv_safe(value) for value in row] for row in table])
            response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
            extension = "csv"
        else:
            response = HttpResponse(
                _xlsx(header, table, self.queue.label),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            extension = "xlsx"
        response["Content-Disposition"] = (
            f"attachment; filename=\"{self.queue.key}-{stamp}.{extension}\"; "
            f"filename*=UTF-8''{quote(f'{name}.{extension}')}"
        )
        return response

    def workbench_export_columns(self):
        """(header, value(obj)) pairs; by default the queue's declared columns."""
        return list(self.queue.export_columns) or [("编号", lambda obj: obj.pk), ("案件", str)]

    # --- urls and helpers ----------------------------------------------------------------------
    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:object_id>/claim/", wrap(require_POST(self.wb_claim_view)), name=f"{name}_wb_claim"),
            path("<int:object_id>/release-claim/", wrap(require_POST(self.wb_release_claim_view)), name=f"{name}_wb_release"),
            path("workbench-export/", wrap(self.wb_export_view), name=f"{name}_wb_export"),
            *super().get_urls(),
        ]

    def wb_scoped_or_404(self, request, object_id):
        from django.http import Http404

        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is None:
            raise Http404("没有找到该案件，或它不在您的管辖范围内。")
        return obj

    def wb_filters(self, request):
        return request.GET.get("_changelist_filters") or request.POST.get("_changelist_filters") or ""

    def wb_preserved(self, request):
        filters = self.wb_filters(request)
        return urlencode({"_changelist_filters": filters}) if filters else ""

    def wb_change_url(self, request, obj):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        return add_preserved_filters({"preserved_filters": self.wb_preserved(request), "opts": self.opts}, url)

    def wb_list_url(self, request):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return f"{url}?{self.wb_filters(request) or f'{WAITING_PARAM}=mine'}"


def _with(query, key, value):
    query = query.copy()
    query[key] = value
    return query.urlencode()


def _csv_safe(value):
    """Keep spreadsheet programs from reading a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _xlsx(header, rows, title):
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        # Text cells stay text: a formula-looking name is not evaluated by Excel.
        sheet.append([_csv_safe(value) if isinstance(value, str) else value for value in row])
    for index, label in enumerate(header, 1):
        width = max([len(str(label))] + [len(str(row[index - 1])) for row in rows[:200]]) + 4
        sheet.column_dimensions[get_column_letter(index)].width = min(width * 1.6, 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------- dashboard
def queue_admins(admin_site=None):
    site = admin_site or admin.site
    return [model_admin for model_admin in site._registry.values() if isinstance(model_admin, WorkbenchMixin)]


def dashboard(request, admin_site=None):
    """Per queue the officer may view: what waits for them (count, oldest, overdue); for a
    province officer also the open cases per city. One aggregate query per queue (two for the
    province), whatever the number of cases; computed once per request."""
    cached = getattr(request, "_workbench_dashboard", None)
    if cached is not None:
        return cached
    from candidates.scopes import is_province_officer

    now = timezone.now()
    province = is_province_officer(request.user)
    cities = None
    entries = []
    for model_admin in queue_admins(admin_site):
        if not model_admin.has_view_permission(request):
            continue
        queue = model_admin.queue
        cutoff = queue.overdue_cutoff(now)
        base = model_admin.get_queryset(request).order_by().annotate(wb_since=queue.since_expression())
        figures = base.filter(queue.open_q & queue.waiting_for(request.user)).aggregate(
            count=Count("pk"), oldest=Min("wb_since"), overdue=Count("pk", filter=Q(wb_since__lt=cutoff)),
        )
        list_url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
        entry = {
            "queue": queue,
            "count": figures["count"],
            "overdue": figures["overdue"],
            "oldest_days": waiting_days(figures["oldest"], now),
            "url": f"{list_url}?{WAITING_PARAM}=mine",
            "overdue_url": f"{list_url}?{WAITING_PARAM}=mine&{OVERDUE_PARAM}=1",
            "admin_url": list_url,
            "by_city": [],
        }
        if province and queue.city is not None:
            if cities is None:
                cities = dict(City.objects.values_list("pk", "name"))
            rows = (
                base.filter(queue.open_q).annotate(wb_city=queue.city_expression()).values("wb_city")
                .annotate(count=Count("pk"), oldest=Min("wb_since"), overdue=Count("pk", filter=Q(wb_since__lt=cutoff)))
                .order_by("wb_city")
            )
            entry["by_city"] = [
                {
                    "city": cities.get(row["wb_city"], "—"), "count": row["count"], "overdue": row["overdue"],
                    "oldest_days": waiting_days(row["oldest"], now),
                }
                for row in rows
            ]
        entries.append(entry)
    request._workbench_dashboard = entries
    return entries


# ---------------------------------------------------------------------------------- 403 in Chinese
class AdminForbiddenMiddleware:
    """A denial inside /admin/ is answered in Chinese within the admin's own layout (a
    signed-in officer clicking a link they may not follow), never Django's English page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PermissionDenied):
            return None
        if not request.path.startswith(reverse("admin:index")):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return None
        context = {**admin.site.each_context(request), "title": "没有权限"}
        response = TemplateResponse(request, "admin/workbench/403.html", context, status=403)
        return response.render()


# ---------------------------------------------------------------------------------- my work today
def admin_url_for(object_type, object_id, admin_site=None):
    """The admin page of an audited object, if it has one the admin shows."""
    site = admin_site or admin.site
    try:
        app_label, model_name = object_type.split(".")
    except ValueError:
        return None
    if not any(m._meta.app_label == app_label and m._meta.model_name == model_name for m in site._registry):
        return None
    if not str(object_id).isdigit():
        return None
    return reverse(f"admin:{app_label}_{model_name}_change", args=[object_id])


def object_text(event):
    from django.apps import apps

    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return f"{event.object_type} {event.object_id}"
    return f"{model._meta.verbose_name} {event.object_id}"


# The bookkeeping of the workbench itself is not "work done" on a case.
NOT_WORK = [AuditAction.CASE_CLAIMED, AuditAction.CASE_CLAIM_RELEASED]


def my_work(user, day=None):
    """``user``'s own audited actions on ``day`` (today in Asia/Shanghai), newest first, each with
    its Chinese label and a link to its object."""
    from zikao.models import AuditEvent

    day = day or timezone.localdate()
    events = list(
        AuditEvent.objects.filter(actor=user, created_at__date=day).exclude(action__in=NOT_WORK)
        .order_by("-created_at", "-id")
    )
    for event in events:
        event.label = event.action_label
        event.url = admin_url_for(event.object_type, event.object_id)
        event.object_text = object_text(event)
    return events
