"""The one eligibility rule of 毕业申请 (records.graduation.check_conditions) on tricky plans."""

import pytest

from exams.models import Major
from records.graduation import check_conditions
from tests.factories import CandidateFactory
from tests.records.graduation_setup import MIN_CREDITS, OLD_COURSE, graduate_ready, make_plan, pass_courses

pytestmark = pytest.mark.django_db


def statuses(conditions):
    return {row.plan_course.course.code: row.status for row in conditions.progress.rows}


@pytest.fixture
def candidate():
    return CandidateFactory(approved=True, major=make_plan())


def test_an_empty_record_lists_every_required_course_the_group_and_the_credits(candidate):
    conditions = check_conditions(candidate)
    assert not conditions.met
    assert conditions.missing == [
        "必考课程 00101 必考甲 尚未合格",
        "必考课程 00102 必考乙 尚未合格",
        "必考课程 00401 新课程 尚未合格",
        "实践性环节 00501 专业实践 尚未合格",
        "实践性环节 07999 毕业考核 尚未合格",
        "选考课程组“任选一门”须合格 1 门，现有 0 门（可选：00201 选考甲、00202 选考乙）",
        f"学分还差 {MIN_CREDITS} 分（已获 0 分，最低毕业学分 {MIN_CREDITS} 分）",
    ]


def test_a_candidate_meeting_every_condition_graduates_with_the_substituted_course():
    conditions = check_conditions(graduate_ready())
    assert conditions.met and conditions.missing == []
    assert conditions.progress.credits == MIN_CREDITS
    assert statuses(conditions)["00401"] == "substituted"
    row = next(row for row in conditions.progress.rows if row.plan_course.course.code == "00401")
    assert row.via == f"由 {OLD_COURSE} 顶替" and row.status_label == "已顶替"


def test_two_passed_courses_of_a_choose_one_group_count_once_with_the_better_credits(candidate):
    pass_courses(candidate, ["00202", "00201"])
    progress = check_conditions(candidate).progress
    assert progress.credits == 5  # 选考甲 (5), not 5 + 3
    assert [group.satisfied for group in progress.groups] == [True]
    assert "任选一门" not in "".join(progress.shortfalls)


def test_a_group_course_not_taken_is_not_needed_once_the_group_is_satisfied(candidate):
    pass_courses(candidate, ["00202"])
    conditions = check_conditions(candidate)
    assert statuses(conditions)["00201"] == "not_needed"
    assert conditions.progress.credits == 3


def test_a_substitution_whose_old_course_is_passed_counts_the_new_course_credits_once(candidate):
    pass_courses(candidate, [OLD_COURSE])
    progress = check_conditions(candidate).progress
    assert progress.credits == 4
    assert "00401" not in "".join(progress.shortfalls)


def test_when_the_new_course_is_passed_itself_the_old_one_stands_for_nothing(candidate):
    pass_courses(candidate, [OLD_COURSE, "00401"])
    conditions = check_conditions(candidate)
    assert statuses(conditions)["00401"] == "passed"
    assert conditions.progress.credits == 4


def test_a_zero_credit_graduation_assessment_is_still_required(candidate):
    pass_courses(candidate, ["00101", "00102", "00201", "00501", OLD_COURSE])
    conditions = check_conditions(candidate)
    assert conditions.progress.credits == MIN_CREDITS  # the credits are there …
    assert conditions.missing == ["实践性环节 07999 毕业考核 尚未合格"]  # … the 毕业考核 is not
    pass_courses(candidate, ["07999"])
    assert check_conditions(candidate).met
    assert check_conditions(candidate).progress.credits == MIN_CREDITS  # and it adds none


def test_credits_short_although_every_required_course_is_passed():
    candidate = graduate_ready(min_credits=MIN_CREDITS + 2)
    conditions = check_conditions(candidate)
    assert conditions.missing == [
        f"学分还差 2 分（已获 {MIN_CREDITS} 分，最低毕业学分 {MIN_CREDITS + 2} 分）"
    ]
    # The second course of the group adds nothing; the free elective does.
    pass_courses(candidate, ["00202"])
    assert not check_conditions(candidate).met
    pass_courses(candidate, ["00301"])
    assert check_conditions(candidate).met


def test_exempted_transferred_and_substitution_sources_all_count(candidate):
    pass_courses(candidate, ["00101"], source="exemption")
    pass_courses(candidate, ["00102"], source="transfer_in")
    pass_courses(candidate, ["00401"], source="substitution")
    found = statuses(check_conditions(candidate))
    assert (found["00101"], found["00102"], found["00401"]) == ("exempted", "passed", "substituted")
    assert check_conditions(candidate).progress.credits == 14


def test_a_group_asking_for_two_courses_needs_two(candidate):
    major = Major.objects.get(code="080901")
    major.plan_courses.filter(elective_group="任选一门").update(elective_group="任选两门")
    pass_courses(candidate, ["00201"])
    progress = check_conditions(candidate).progress
    assert "选考课程组“任选两门”须合格 2 门，现有 1 门" in "".join(progress.shortfalls)
    pass_courses(candidate, ["00202"])
    progress = check_conditions(candidate).progress
    assert progress.groups[0].satisfied and progress.credits == 8


def test_the_record_itself_must_allow_graduation():
    candidate = CandidateFactory(major=None)
    conditions = check_conditions(candidate)
    assert conditions.missing == [
        "身份验证尚未通过",
        "尚未取得准考证号",
        "尚未选择报考专业，请先在个人中心选择报考专业",
    ]
    assert conditions.progress is None and not conditions.met
