"""Admin permissions of identity officers per level (granted by candidates.officers).

County offices review their candidates and verify them in person at the
registration point; city offices review and may verify in person as well
(municipal halls also receive candidates); the provincial centre reviews.
"""

_REVIEW = [
    "identity.view_identitysubmission",
    "identity.view_identityphoto",
    "identity.view_checkresult",
    "identity.decide_identitysubmission",
]

OFFICER_PERMISSIONS = {
    "county": [*_REVIEW, "identity.verify_identity_in_person"],
    "city": [*_REVIEW, "identity.verify_identity_in_person"],
    "province": list(_REVIEW),
}
