"""Admin permissions of transfer officers, per scope level (see candidates.officers).

County offices follow their candidates' applications but do not decide them;
city offices take both decisions (as original and as receiving city); the
province centre oversees and exports.  Which applications each one sees and may
decide is narrowed further by their scope (transfers.selectors.officer_scope_q,
transfers.services.may_decide_*).
"""

OFFICER_PERMISSIONS = {
    "county": [
        "transfers.view_transferapplication",
        "transfers.export_transferapplication",
    ],
    "city": [
        "transfers.view_transferapplication",
        "transfers.decide_origin",
        "transfers.decide_destination",
        "transfers.export_transferapplication",
    ],
    "province": [
        "transfers.view_transferapplication",
        "transfers.export_transferapplication",
    ],
}

# 省际转出 (transfers/out_admin.py): county offices follow their candidates' applications, the city
# office of the candidate checks first, the province pre-checks, sends and closes.
OUT_PERMISSIONS = {
    "county": ["transfers.view_transferout"],
    "city": ["transfers.view_transferout", "transfers.decide_out_city"],
    "province": ["transfers.view_transferout", "transfers.decide_out_province"],
}
for _level, _names in OUT_PERMISSIONS.items():
    OFFICER_PERMISSIONS[_level] = OFFICER_PERMISSIONS[_level] + _names
