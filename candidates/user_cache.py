"""Dropping the cached user of ``CandidateBackend.get_user`` whenever what it holds changes
(``zikao.copies``: at once and again after the commit)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from candidates.backends import user_cache_key
from candidates.models import Candidate, User
from zikao.copies import drop_copy


def forget_user(user_id):
    if user_id is not None:
        drop_copy(user_cache_key(user_id))


def forget_candidate(candidate_id):
    """The user of a candidate known by primary key only (a related row changed)."""
    forget_user(Candidate.objects.filter(pk=candidate_id).values_list("user_id", flat=True).first())


@receiver([post_save, post_delete], sender=User, dispatch_uid="candidates.forget_user")
def _user_changed(sender, instance, **kwargs):
    forget_user(instance.pk)


@receiver([post_save, post_delete], sender=Candidate, dispatch_uid="candidates.forget_candidate_user")
def _candidate_changed(sender, instance, **kwargs):
    forget_user(instance.user_id)
