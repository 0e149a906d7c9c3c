OFFICER_PERMISSIONS = {
    "county": ["candidates.view_candidate", "candidates.view_enrolledrecord"],
    "city": ["candidates.view_candidate", "candidates.view_enrolledrecord"],
    "province": ["candidates.view_candidate", "candidates.view_enrolledrecord"],
}
