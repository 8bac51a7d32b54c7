"""The values each handler metric dimension may take, from the contract's value domains.

Shared by the monitoring tests (what the alarms watch) and the functional metrics test (what the
handlers publish). ``none`` stands for a missing value (``handlers.observability``).
"""

from __future__ import annotations

from typing import Final, get_args

from bot.models import ClassifierSource
from contract import (
    OTHER_CHANNEL,
    ContactChannel,
    ContactEventProblem,
    ContactFlowAction,
    ContactOutcome,
    Dimension,
    EscalationReason,
    FallbackReason,
    FaqFirstOutcome,
    Intent,
    Queue,
)

DIMENSION_VALUES: Final[dict[str, frozenset[str]]] = {
    Dimension.INTENT: frozenset({*(intent.value for intent in Intent), "none"}),
    Dimension.SOURCE: frozenset({*get_args(ClassifierSource), "none"}),
    Dimension.REASON: frozenset({*(reason.value for reason in (*EscalationReason, *FallbackReason)), "none"}),
    Dimension.QUEUE: frozenset(queue.value for queue in Queue),
    Dimension.ACTION: frozenset(action.value for action in ContactFlowAction),
    Dimension.CHANNEL: frozenset({*(channel.value for channel in ContactChannel), OTHER_CHANNEL}),
    Dimension.OUTCOME: frozenset(outcome.value for outcome in (*ContactOutcome, *FaqFirstOutcome)),
    Dimension.PROBLEM: frozenset(problem.value for problem in ContactEventProblem),
}
