"""What every view and admin page does with a refused business rule."""

import logging

from django.contrib import messages

logger = logging.getLogger("zikao.refusals")


def domain_error_message(request, error, *, level=messages.ERROR):
    """Show a ``DomainError`` to the person who acted, as a message on the next page.

    Only the code is logged: the message can name a candidate or an application.
    """
    logger.info("refused %s: %s", type(error).__name__, error.code)
    messages.add_message(request, level, error.message)


def admin_page_context(model_admin, request, *, title, **extra):
    """The context of an admin page of our own (a decision, an export): the site's header, sidebar
    and breadcrumbs (``each_context``, ``opts``) plus the page's ``title`` and ``extra`` values."""
    return {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "title": title, **extra}


def history_table(obj, status_labels, *, reason_label="原因"):
    """An object's audit events as the admin's 处理记录 table: time, who, action, from → to, reason.

    ``status_labels`` maps stored states to their Chinese labels (a status TextChoices' choices).
    """
    from django.utils.html import format_html, format_html_join

    from zikao.audit import events_of
    from zikao.timefmt import local_short

    labels = dict(status_labels)
    rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
        (local_short(e.created_at), e.actor_label, e.action_label,
         f"{labels.get(e.from_state, e.from_state or '—')} → {labels.get(e.to_state, e.to_state or '—')}",
         e.reason or "")
        for e in events_of(obj)
    ))
    return format_html(
        "<table><thead><tr><th>时间</th><th>操作人</th><th>操作</th><th>状态</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>", reason_label, rows,
    )
