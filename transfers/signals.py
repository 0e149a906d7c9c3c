"""Signals of the transfers app, for the apps above it (which it may not import)."""

from django.dispatch import Signal

# 已转出: the candidate's record left Shanxi (sent inside the deciding transaction, with
# ``candidate`` and ``application``). payments cancels the candidate's unpaid orders.
record_closed = Signal()
