"""Officer accounts: a staff user, its scope and the admin permissions of its level.

Each app lists what its officers may do in ``<app>/permissions.py`` as
``OFFICER_PERMISSIONS = {level: ["app_label.codename", ...]}``.
"""

from importlib import import_module

from django.contrib.auth.models import Group, Permission

from candidates.models import OfficerScope

PERMISSION_APPS = ["zikao", "candidates", "identity", "transfers", "exams", "records", "payments"]
GROUP_NAMES = {
    OfficerScope.Level.COUNTY: "县区招考办",
    OfficerScope.Level.CITY: "市招考办",
    OfficerScope.Level.PROVINCE: "省招考中心",
    OfficerScope.Level.INSTITUTION: "主考院校",
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
