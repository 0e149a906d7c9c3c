"""Officers read the ledgers of the candidates in their scope and check printed transcripts; they
read the scores of their scope, and county offices answer 成绩复核 requests (records.score_admin)."""

SCORE_PERMISSIONS = ["records.view_score", "records.view_scorerecheck"]

# 免考申请: each office decides its own step (scope in records.exemptions.may_decide).
EXEMPTION_OFFICER_PERMISSIONS = ["records.view_exemptionapplication", "records.decide_exemption"]

OFFICER_PERMISSIONS = {
    "county": ["records.view_passedcourse", *EXEMPTION_OFFICER_PERMISSIONS, *SCORE_PERMISSIONS,
               "records.decide_scorerecheck"],
    "city": ["records.view_passedcourse", *EXEMPTION_OFFICER_PERMISSIONS, *SCORE_PERMISSIONS],
    "province": ["records.view_passedcourse", *EXEMPTION_OFFICER_PERMISSIONS, "records.publish_exemption",
                 *SCORE_PERMISSIONS, "records.view_scorepublication"],
}

# 毕业申请 (records/graduation_admin.py): county offices pre-check, the province decides; city
# offices read the applications of their city.
for _level, _names in {
    "county": ["records.view_graduationapplication", "records.precheck_graduation"],
    "city": ["records.view_graduationapplication"],
    "province": ["records.view_graduationapplication", "records.decide_graduation"],
}.items():
    OFFICER_PERMISSIONS[_level] = OFFICER_PERMISSIONS[_level] + _names
