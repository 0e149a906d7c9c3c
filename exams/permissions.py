"""Admin permissions of catalogue officers, per scope level (see candidates.officers).

The province centre keeps the catalogue and may correct it (every change audited through
exams.services); county and city offices read the venues and rooms of their scope only.
"""

CATALOGUE_MODELS = [
    "examsitting", "examslot", "institution", "major", "course", "plancourse", "coursesubstitution",
    "timetableentry", "venue", "room",
]

OFFICER_PERMISSIONS = {
    "county": ["exams.view_venue", "exams.view_room"],
    "city": ["exams.view_venue", "exams.view_room"],
    "province": [
        f"exams.{action}_{model}" for model in CATALOGUE_MODELS for action in ("view", "add", "change", "delete")
    ],
}
