"""Drop a candidate's cached latest scores (score_selectors) when one of their scores or
re-check requests changes: a request, an officer's decision, a corrected score."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from records.score_models import Score, ScoreRecheck
from records.score_selectors import scores_cache_key
from zikao.copies import drop_copy


@receiver([post_save, post_delete], sender=Score, dispatch_uid="records.drop_scores_copy_of_score")
@receiver([post_save, post_delete], sender=ScoreRecheck, dispatch_uid="records.drop_scores_copy_of_recheck")
def _scores_changed(sender, instance, **kwargs):
    drop_copy(scores_cache_key(instance.candidate_id))
