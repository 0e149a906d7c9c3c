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
