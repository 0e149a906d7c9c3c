"""Officers read the ledgers of the candidates in their scope and check printed transcripts."""

OFFICER_PERMISSIONS = {
    "county": ["records.view_passedcourse"],
    "city": ["records.view_passedcourse"],
    "province": ["records.view_passedcourse"],
}
