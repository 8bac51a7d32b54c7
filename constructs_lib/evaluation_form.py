"""The agents' Korean quality-assurance form (``AWS::Connect::EvaluationForm``), published.

Why in code: supervisors score agents' contacts with it in Connect's console, and the scores are
compared across months; a form edited by hand in one environment drifts from the others and from
what the team agreed. Here the form is reviewed like any change and the same in every environment.

Six sections in the order of a contact — greeting, identity check, understanding, resolution,
courtesy, closing — each with single-select questions answered 예 / 일부 / 아니요 (10 / 5 / 0
points). Scoring is by section (``SECTION_ONLY``): each section's weight is its share of the total
score (they add up to 100) and, within a section, each question's weight is its share of the
section (they add up to 100). An identity check that was skipped fails the whole evaluation
(``AutomaticFail``): handing account details to an unverified caller is not a matter of points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from aws_cdk import aws_connect as connect
from constructs import Construct

#: CloudFormation's ``Status`` takes ``DRAFT`` or ``ACTIVE``; ``ACTIVE`` publishes the form, so
#: supervisors can evaluate with it at once (a draft cannot be used to evaluate).
STATUS: Final = "ACTIVE"
SCORING_MODE: Final = "SECTION_ONLY"
SCORING_STATUS: Final = "ENABLED"
TITLE: Final = "상담 품질 평가표"
DESCRIPTION: Final = "상담원 응대 품질 평가: 인사, 본인 확인, 문의 파악, 문제 해결, 응대 태도, 마무리"


@dataclass(frozen=True, slots=True)
class Answer:
    """One option of a single-select question."""

    ref_id: str
    text: str
    score: int
    automatic_fail: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    ref_id: str
    title: str
    instructions: str
    weight: int
    automatic_fail_on_no: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    ref_id: str
    title: str
    instructions: str
    weight: int
    questions: tuple[Question, ...]


def answers(question: Question) -> tuple[Answer, ...]:
    """예 / 일부 / 아니요 with 10 / 5 / 0 points; 아니요 fails the evaluation where the question says so."""
    return (
        Answer(f"{question.ref_id}yes", "예", 10),
        Answer(f"{question.ref_id}partly", "일부", 5),
        Answer(f"{question.ref_id}no", "아니요", 0, automatic_fail=question.automatic_fail_on_no),
    )


#: The form's sections, in the order of a contact. Weights: sections add up to 100, and so do the
#: questions of each section.
SECTIONS: Final[tuple[Section, ...]] = (
    Section(
        "greeting",
        "인사",
        "첫인사와 소개가 바르게 이루어졌는지 평가합니다.",
        10,
        (
            Question(
                "greetopen",
                "상담원이 소속과 이름을 밝히며 첫인사를 했습니까?",
                "예: 안녕하세요, 고객센터 ○○○입니다.",
                60,
            ),
            Question(
                "greettone", "밝고 또렷한 목소리로 인사했습니까?", "말의 속도와 음량이 알맞았는지 봅니다.", 40
            ),
        ),
    ),
    Section(
        "identity",
        "본인 확인",
        "개인정보를 다루기 전에 고객 본인 여부를 확인했는지 평가합니다.",
        15,
        (
            Question(
                "idverify",
                "계정이나 주문 정보를 안내하기 전에 정해진 절차로 본인 확인을 했습니까?",
                (
                    "본인 확인 없이 개인정보를 안내했다면 '아니요'를 선택합니다. "
                    "이 경우 평가 전체가 불합격 처리됩니다."
                ),
                70,
                automatic_fail_on_no=True,
            ),
            Question(
                "idminimal",
                "본인 확인에 필요한 정보만 요청했습니까?",
                "주민등록번호 전체나 카드번호 등 불필요한 정보를 묻지 않았는지 봅니다.",
                30,
            ),
        ),
    ),
    Section(
        "understanding",
        "문의 파악",
        "고객의 문의를 정확히 이해했는지 평가합니다.",
        20,
        (
            Question(
                "undlisten",
                "고객의 말을 끊지 않고 끝까지 경청했습니까?",
                "고객이 같은 내용을 반복하게 하지 않았는지 봅니다.",
                50,
            ),
            Question(
                "undconfirm",
                "문의 내용을 요약하여 고객에게 다시 확인했습니까?",
                "예: 주문하신 상품의 배송 일정을 문의하신 것이 맞으신가요?",
                50,
            ),
        ),
    ),
    Section(
        "resolution",
        "문제 해결",
        "문의가 정확하고 완전하게 해결되었는지 평가합니다.",
        30,
        (
            Question(
                "resaccurate",
                "정확한 정보로 안내했습니까?",
                "상품, 정책, 절차 안내에 틀린 내용이 없었는지 봅니다.",
                50,
            ),
            Question(
                "rescomplete",
                "고객의 문의가 이번 상담에서 해결되었습니까?",
                "해결하지 못했다면 다음 절차와 일정을 안내했는지 봅니다.",
                50,
            ),
        ),
    ),
    Section(
        "courtesy",
        "응대 태도",
        "상담 내내 공손하고 배려 있게 응대했는지 평가합니다.",
        15,
        (
            Question(
                "courhonorific",
                "상담 내내 존댓말을 사용했습니까?",
                "반말이나 단정적인 표현이 없었는지 봅니다.",
                50,
            ),
            Question("courempathy", "고객의 불편에 공감을 표현했습니까?", "예: 불편을 드려 죄송합니다.", 50),
        ),
    ),
    Section(
        "closing",
        "마무리",
        "상담을 바르게 마무리했는지 평가합니다.",
        10,
        (
            Question(
                "closeextra", "추가 문의가 있는지 여쭈었습니까?", "예: 더 궁금하신 점은 없으신가요?", 50
            ),
            Question(
                "closethanks",
                "감사 인사로 상담을 마무리했습니까?",
                "예: 이용해 주셔서 감사합니다. 좋은 하루 보내세요.",
                50,
            ),
        ),
    ),
)


class AgentEvaluationForm(Construct):
    """The published Korean evaluation form of the instance.

    Attributes:
        form: the ``AWS::Connect::EvaluationForm``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, instance_arn: str) -> None:
        super().__init__(scope, construct_id)
        self.form = connect.CfnEvaluationForm(
            self,
            "Form",
            instance_arn=instance_arn,
            title=TITLE,
            description=DESCRIPTION,
            status=STATUS,
            scoring_strategy=connect.CfnEvaluationForm.ScoringStrategyProperty(
                mode=SCORING_MODE, status=SCORING_STATUS
            ),
            items=[_section_item(section) for section in SECTIONS],
        )


def _section_item(section: Section) -> connect.CfnEvaluationForm.EvaluationFormBaseItemProperty:
    return connect.CfnEvaluationForm.EvaluationFormBaseItemProperty(
        section=connect.CfnEvaluationForm.EvaluationFormSectionProperty(
            ref_id=section.ref_id,
            title=section.title,
            instructions=section.instructions,
            weight=section.weight,
            items=[_question_item(question) for question in section.questions],
        )
    )


def _question_item(question: Question) -> connect.CfnEvaluationForm.EvaluationFormItemProperty:
    return connect.CfnEvaluationForm.EvaluationFormItemProperty(
        question=connect.CfnEvaluationForm.EvaluationFormQuestionProperty(
            ref_id=question.ref_id,
            title=question.title,
            instructions=question.instructions,
            question_type="SINGLESELECT",
            weight=question.weight,
            question_type_properties=connect.CfnEvaluationForm.EvaluationFormQuestionTypePropertiesProperty(
                single_select=connect.CfnEvaluationForm.EvaluationFormSingleSelectQuestionPropertiesProperty(
                    display_as="RADIO",
                    options=[
                        connect.CfnEvaluationForm.EvaluationFormSingleSelectQuestionOptionProperty(
                            ref_id=answer.ref_id,
                            text=answer.text,
                            score=answer.score,
                            automatic_fail=answer.automatic_fail or None,
                        )
                        for answer in answers(question)
                    ],
                )
            ),
        )
    )
