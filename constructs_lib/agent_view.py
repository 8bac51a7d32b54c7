"""The agent's handoff summary view: an ``AWS::Connect::View`` for the step-by-step guide.

Why: an agent who takes a transferred contact must see why the bot handed it over without asking
the caller again. The guide flow (``contact_flows/agent_guide.json``, the contact's
``DefaultAgentUI`` event hook) shows this view with the handoff contact attributes the bot set
(``bot.handoff``). The view and the flow share one list of inputs, :data:`SUMMARY_FIELDS`: each
field is a card whose heading is its Korean label and whose description is the input ``$.<key>``
(custom views reference their inputs as ``$.<key>``, "Custom views" page of the admin guide); a
test keeps the flow's ``ViewData`` keys and this list equal.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from aws_cdk import aws_connect as connect
from constructs import Construct

#: The view's inputs (the guide flow's ``ViewData`` keys besides ``Heading``) and their Korean labels.
SUMMARY_FIELDS: Final[tuple[tuple[str, str], ...]] = (
    ("CustomerName", "고객명"),
    ("Tier", "고객 등급"),
    ("Intent", "문의 의도"),
    ("Reason", "연결 사유"),
    ("Priority", "우선순위"),
    ("FaqGiven", "이미 안내한 FAQ"),
    ("Progress", "진행 상황"),
    ("LastWords", "고객의 마지막 말씀"),
)
#: The view's title input (a static Korean heading in the guide flow).
HEADING_INPUT: Final = "Heading"
#: The one action of the view: the agent confirms having read the summary.
ACKNOWLEDGE: Final = "Acknowledge"


def summary_template() -> dict[str, Any]:
    """The view template: a heading, one card per summary field, and the confirm button."""
    cards = [
        {
            "_id": f"card_{key}",
            "Type": "Card",
            "Props": {"Id": f"Card{key}", "Heading": label, "Description": f"$.{key}"},
            "Content": [],
        }
        for key, label in SUMMARY_FIELDS
    ]
    return {
        "Head": {"Title": f"$.{HEADING_INPUT}", "Configuration": {"Layout": {"Columns": ["12"]}}},
        "Body": [
            {"_id": "summary", "Type": "Container", "Props": {}, "Content": cards},
            {
                "_id": "acknowledge",
                "Type": "Button",
                "Props": {"Action": ACKNOWLEDGE},
                "Content": ["확인했습니다"],
            },
        ],
    }


class AgentSummaryView(Construct):
    """``AWS::Connect::View`` (customer managed, published) showing the handoff summary in Korean.

    Attributes:
        view: the ``AWS::Connect::View``.
        view_arn: its ARN, the guide flow's ``%AgentSummaryViewArn%``.
    """

    DESCRIPTION: ClassVar[str] = (
        "상담원 연결 요약: 고객, 의도, 사유, 우선순위, 안내한 FAQ, 진행 상황, 마지막 말씀"
    )

    def __init__(self, scope: Construct, construct_id: str, *, instance_arn: str, view_name: str) -> None:
        super().__init__(scope, construct_id)
        self.view = connect.CfnView(
            self,
            "View",
            instance_arn=instance_arn,
            name=view_name,
            description=self.DESCRIPTION,
            actions=[ACKNOWLEDGE],
            template=summary_template(),
        )
        self.view_arn = self.view.attr_view_arn
