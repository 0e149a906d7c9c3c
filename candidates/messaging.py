from candidates.models import CandidateMessage


def send_candidate_message(*, candidate, title, body="", link=""):
    """Leave a message in the candidate's personal centre (call inside the service's transaction)."""
    return CandidateMessage.objects.create(candidate=candidate, title=title, body=body, link=link)


def send_candidate_messages(*, candidate_ids, title, body="", link=""):
    """The same message to many candidates in one INSERT per thousand (a publication, a seating run)."""
    CandidateMessage.objects.bulk_create(
        [CandidateMessage(candidate_id=pk, title=title, body=body, link=link) for pk in candidate_ids],
        batch_size=1000,
    )
