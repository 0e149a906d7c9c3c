"""Officers read the ledgers of the candidates in their scope and check printed transcripts."""

# 免考申请: each office decides its own step (scope in records.exemptions.may_decide).
EXEMPTION_OFFICER_PERMISSIONS = ["records.view_exemptionapplication", "records.decide_exemption"]

OFFICER_PERMISSIONS = {
    "county": ["records.view_passedcourse", *EXEMPTION_OFFICER_PERMISSIONS],
    "city": ["records.view_passedcourse", *EXEMPTION_OFFICER_PERMISSIONS],
    "province": ["records.view_passedcourse", *EXEMPTION_OFFICER_PERMISSIONS, "records.publish_exemption"],
}

# 毕业申请 (records/graduation_admin.py): county offices pre-check, the province decides; city
# offices read the applications of their city.
for _level, _names in {
    "county": ["records.view_graduationapplication", "records.precheck_graduation"],
    "city": ["records.view_graduationapplication"],
    "province": ["records.view_graduationapplication", "records.decide_graduation"],
}.items():
    OFFICER_PERMISSIONS[_level] = OFFICER_PERMISSIONS[_level] + _names
