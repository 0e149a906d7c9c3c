"""Admin permissions of catalogue officers, per scope level (see candidates.officers).

The province centre keeps the catalogue and may correct it (every change audited through
exams.services); county and city offices read the venues and rooms of their scope only.
"""

CATALOGUE_MODELS = [
    "examsitting", "examslot", "institution", "major", "course", "plancourse", "coursesubstitution",
    "timetableentry", "venue", "room",
    "exemptionrule", "exemptionrulecourse",
]

OFFICER_PERMISSIONS = {
    "county": ["exams.view_venue", "exams.view_room"],
    "city": ["exams.view_venue", "exams.view_room"],
    "province": [
        f"exams.{action}_{model}" for model in CATALOGUE_MODELS for action in ("view", "add", "change", "delete")
    ] + ["exams.view_practicalregistration", "exams.view_practicalfee", "exams.add_practicalfee",
         "exams.change_practicalfee"],
    # 主考院校 staff: their institution's practical registrations and fee (scoped in exams.practical_admin).
    "institution": [
        "exams.view_practicalregistration", "exams.decide_practical", "exams.view_practicalfee",
        "exams.change_practicalfee",
    ],
}

# 考场座位 (exams.seat_admin): every officer level but 主考院校 reads the seating of its scope.
for _level in ("county", "city", "province"):
    OFFICER_PERMISSIONS[_level].append("exams.view_ticketseat")
