"""The cached signed-in user carries Candidate.record_closed: drop it when a 省际转出 changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from candidates.user_cache import forget_candidate
from transfers.out_models import TransferOut


@receiver([post_save, post_delete], sender=TransferOut, dispatch_uid="transfers.forget_user_of_transfer_out")
def _transfer_out_changed(sender, instance, **kwargs):
    forget_candidate(instance.candidate_id)
