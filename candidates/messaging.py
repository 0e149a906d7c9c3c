from candidates.models import CandidateMessage


def send_candidate_message(*, candidate, title, body="", link=""):
    """Leave a message in the candidate's personal centre (call inside the service's transaction)."""
    return CandidateMessage.objects.create(candidate=candidate, title=title, body=body, link=link)
