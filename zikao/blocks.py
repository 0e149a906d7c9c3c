"""Parts of pages that are the same for every visitor, rendered once and shared through the cache.

The personal centre's 快捷入口 and 查询中心 and the home page's notice lists
change only when an operator or an officer changes the rows behind them, or
when a time written in those rows comes (a window opens or closes, a notice's
publication time arrives). Each kind of block has a generation token, kept in
the database (zikao.models.BlockGeneration) so that a change made by a command,
the admin or another server is seen by every process on its next request,
whatever the cache backend: with the embedded default's per-process memory a
token in the cache would only be replaced in the process that made the change.
A save or delete of the rows replaces the token in the same transaction (zikao.apps
connects the signals), so every cached copy is out of date once the change is
committed, and no request can store the old rows under the new token. Reading
the token is one primary-key look-up per block and page. A copy also ends at
the next moment its rows name, and after MAX_SECONDS in any case.
"""

import math
from uuid import uuid4

from django.core.cache import cache
from django.utils.safestring import mark_safe

from zikao.models import BlockGeneration

MAX_SECONDS = 300


def generation(name):
    """The current token of the ``name`` blocks."""
    token = BlockGeneration.objects.filter(pk=name).values_list("token", flat=True).first()
    if token is None:
        token = BlockGeneration.objects.get_or_create(name=name, defaults={"token": uuid4()})[0].token
    return token.hex


def forget(name):
    """Every cached ``name`` block is out of date once the calling transaction commits."""
    BlockGeneration.objects.update_or_create(name=name, defaults={"token": uuid4()})


def cached_block(name, render, *, now):
    """The HTML ``render()`` returns, from the cache while it is valid.

    ``render`` returns ``(html, until)``: ``until`` is the next moment the
    block would look different without any change to its rows, or None.
    """
    key = f"blocks:{name}:{generation(name)}"
    cached = cache.get(key)
    if cached is not None and (cached["until"] is None or now < cached["until"]):
        return mark_safe(cached["html"])  # noqa: S308 - stored from render()'s template output below
    html, until = render()
    seconds = MAX_SECONDS if until is None else math.ceil((until - now).total_seconds())
    cache.set(key, {"html": str(html), "until": until}, min(max(seconds, 1), MAX_SECONDS))
    return html
