"""Officer accounts: a staff user, its scope and the admin permissions of its level.

Each app lists what its officers may do in ``<app>/permissions.py`` as
``OFFICER_PERMISSIONS = {level: ["app_label.codename", ...]}``.
"""

from importlib import import_module

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from candidates.models import OfficerScope, User
from zikao.audit import record_event

PERMISSION_APPS = ["zikao", "candidates", "identity", "transfers", "payments"]
GROUP_NAMES = {
    OfficerScope.Level.COUNTY: "县区招考办",
    OfficerScope.Level.CITY: "市招考办",
    OfficerScope.Level.PROVINCE: "省招考中心",
}


def permissions_for_level(level):
    names = []
    for app in PERMISSION_APPS:
        try:
            module = import_module(f"{app}.permissions")
        except ModuleNotFoundError:
            continue
        names.extend(module.OFFICER_PERMISSIONS.get(level, []))
    permissions = []
    for name in names:
        app_label, codename = name.split(".")
        permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return permissions


def grant_officer_permissions(user):
    """Put ``user`` in the group of its level, (re)building the group's permissions."""
    level = user.officer_scope.level
    group, _ = Group.objects.get_or_create(name=GROUP_NAMES[level])
    group.permissions.set(permissions_for_level(level))
    user.groups.add(group)


@transaction.atomic
def create_officer(*, username, password, level, county=None, city=None, actor_label="operator"):
    if User.objects.filter(username=username).exists():
        raise ValueError(f"用户名 {username} 已存在。")
    user = User(username=username, is_staff=True)
    user.set_password(password)
    user.save()
    OfficerScope.objects.create(user=user, level=level, county=county, city=city)
    grant_officer_permissions(user)
    record_event(
        actor=None, actor_label=actor_label, action="create_officer", obj=user,
        to_state=level, data={"county": county.code if county else None, "city": city.code if city else None},
    )
    return user
