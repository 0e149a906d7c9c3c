"""Officers read the ledgers of the candidates in their scope and check printed transcripts; they
read the scores of their scope, and county offices answer 成绩复核 requests (records.score_admin)."""

SCORE_PERMISSIONS = ["records.view_score", "records.view_scorerecheck"]

OFFICER_PERMISSIONS = {
    "county": ["records.view_passedcourse", *SCORE_PERMISSIONS, "records.decide_scorerecheck"],
    "city": ["records.view_passedcourse", *SCORE_PERMISSIONS],
    "province": ["records.view_passedcourse", *SCORE_PERMISSIONS, "records.view_scorepublication"],
}
