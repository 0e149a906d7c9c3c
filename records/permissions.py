"""Officers read the ledgers of the candidates in their scope and check printed transcripts."""

OFFICER_PERMISSIONS = {
    "county": ["records.view_passedcourse"],
    "city": ["records.view_passedcourse"],
    "province": ["records.view_passedcourse"],
}

# 毕业申请 (records/graduation_admin.py): county offices pre-check, the province decides; city
# offices read the applications of their city.
for _level, _names in {
    "county": ["records.view_graduationapplication", "records.precheck_graduation"],
    "city": ["records.view_graduationapplication"],
    "province": ["records.view_graduationapplication", "records.decide_graduation"],
}.items():
    OFFICER_PERMISSIONS[_level] = OFFICER_PERMISSIONS[_level] + _names
