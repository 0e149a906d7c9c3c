"""Officers read the ledgers of the candidates in their scope and check printed transcripts."""

# 免考申请: each office decides its own step (scope in records.exemptions.may_decide).
EXEMPTION_OFFICER_PERMISSIONS = ["records.view_exemptionapplication", "records.decide_exemption"]

OFFICER_PERMISSIONS = {
    "county": ["records.view_passedcourse", *EXEMPTION_OFFICER_PERMISSIONS],
    "city": ["records.view_passedcourse", *EXEMPTION_OFFICER_PERMISSIONS],
    "province": ["records.view_passedcourse", *EXEMPTION_OFFICER_PERMISSIONS, "records.publish_exemption"],
}
