OFFICER_PERMISSIONS = {
    "county": [
        "zikao.view_notice", "zikao.view_businesswindow", "zikao.view_registrationpoint",
        "zikao.change_registrationpoint",
    ],
    "city": [
        "zikao.view_notice", "zikao.view_businesswindow", "zikao.view_registrationpoint",
        "zikao.change_registrationpoint",
    ],
    "province": [
        "zikao.view_notice", "zikao.add_notice", "zikao.change_notice", "zikao.delete_notice",
        "zikao.view_businesswindow", "zikao.view_registrationpoint", "zikao.change_registrationpoint",
        "zikao.view_auditevent",
    ],
}
