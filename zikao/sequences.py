"""Gap-free numbers from a counter row (application, order and certificate numbers).

A counter model has its key as primary key and a ``last`` field. The UPDATE that takes the next
number locks the row until the caller's transaction ends, so two transactions never get the same
number and a rolled-back one gives its number back: two statements, no SELECT ... FOR UPDATE.
"""

from django.db.models import F


def next_number(counter_model, **key):
    """The next number of the counter row ``key`` (made, at 0, on first use); call in a transaction."""
    counter = counter_model.objects.filter(**key)
    if not counter.update(last=F("last") + 1):  # the row's first number
        counter_model.objects.bulk_create([counter_model(**key, last=0)], ignore_conflicts=True)
        counter.update(last=F("last") + 1)
    return counter.values_list("last", flat=True).get()
