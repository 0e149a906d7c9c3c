"""Audit trail: one call per state change, inside the service's transaction."""

from zikao.models import AuditEvent


def record_event(*, actor, action, obj, from_state="", to_state="", reason="", data=None, actor_label=""):
    """Write an AuditEvent for ``obj``.

    ``actor`` is the user who acted or None for the system and operators; then
    ``actor_label`` says who it was (e.g. "operator:root", "system:checks").
    """
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label or "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        data=data or {},
    )
