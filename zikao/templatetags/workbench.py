"""Template tags of the officers' workbench: the dashboard and the sidebar's counts."""

from django import template

from zikao import workbench

register = template.Library()


@register.inclusion_tag("admin/workbench/dashboard.html", takes_context=True)
def workbench_dashboard(context):
    request = context["request"]
    return {"entries": workbench.dashboard(request), "request": request, "perms": context.get("perms")}


@register.simple_tag(takes_context=True)
def workbench_count(context, admin_url):
    """What waits for the officer in the queue listed at ``admin_url`` (None if it is no queue)."""
    request = context.get("request")
    if request is None or not admin_url:
        return None
    for entry in workbench.dashboard(request):
        if entry["admin_url"] == admin_url:
            return entry
    return None


@register.inclusion_tag("admin/workbench/my_work_summary.html", takes_context=True)
def workbench_my_work(context, limit=8):
    request = context["request"]
    events = workbench.my_work(request.user)
    return {"events": events[:limit], "total": len(events), "request": request}
