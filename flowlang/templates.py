"""Contact-flow templates: where they live, which placeholders they use, and how those resolve.

A template is Flow-language JSON whose ARNs and ids are ``%Name%`` tokens. Resolution is
textual (the same text deploys and runs in the simulator), strict (every token needs a value
and every value needs a token) and JSON-safe: each value is written as the *contents* of a JSON
string, so a value can never end the string it sits in. CDK token strings (``${Token[...]}``)
contain nothing JSON escapes, so they pass through unchanged and CloudFormation later joins the
real ARNs in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from contract import QUEUE_KEYS
from flowlang.model import FlowType

#: Directory of the flow templates (``contact_flows/`` at the repository root).
FLOW_DIR: Final = Path(__file__).resolve().parent.parent / "contact_flows"

#: A placeholder token: ``%`` + a letter + letters, digits or ``_`` + ``%``.
PLACEHOLDER_RE: Final = re.compile(r"%([A-Za-z][A-Za-z0-9_]*)%")


def queue_arn_placeholder(key: str) -> str:
    """The placeholder of the ARN of the agent queue ``key`` (a ``contract.Queue``): ``QueueArn_<key>``."""
    return f"QueueArn_{key}"


#: Every placeholder a flow may use (the engineers' contract), by name without the ``%``; one
#: ``QueueArn_<key>`` per queue of the contract (``contract.QUEUE_KEYS``).
KNOWN_PLACEHOLDERS: Final = frozenset(
    {
        "ContactFlowFunctionArn",
        "LexBotAliasArn",
        "HoursOfOperationArn",
        "CustomerQueueFlowArn",
        "InboundFlowArn",
        "AgentWhisperFlowArn",
        "AgentGuideFlowArn",
        "AgentSummaryViewArn",
        "CallbackAgentWhisperFlowArn",
        "CallbackTaskFlowArn",
        *(queue_arn_placeholder(key) for key in QUEUE_KEYS),
    }
)


def placeholder_output_key(name: str) -> str:
    """The stack output (``CfnOutput`` id, alphanumeric) that carries the value of ``%name%``.

    ``cdk deploy --outputs-file`` writes these; ``python -m flowlang import`` reads them back to
    turn an environment's ARNs into placeholders.
    """
    return "Placeholder" + "".join(part[:1].upper() + part[1:] for part in name.split("_"))


#: Connect flow types used here (``AWS::Connect::ContactFlow`` ``Type``).
CONTACT_FLOW: Final = FlowType.CONTACT_FLOW.value
CUSTOMER_QUEUE: Final = FlowType.CUSTOMER_QUEUE.value
AGENT_WHISPER: Final = FlowType.AGENT_WHISPER.value
OUTBOUND_WHISPER: Final = FlowType.OUTBOUND_WHISPER.value


class PlaceholderError(ValueError):
    """A placeholder without a value, or a value without a placeholder, in a named flow."""


@dataclass(frozen=True)
class FlowSpec:
    """One contact flow of the contact center.

    Attributes:
        key: short stable key (``inbound``, ``customer_queue``).
        file_name: template file name inside :data:`FLOW_DIR`.
        flow_type: Connect flow type (``CONTACT_FLOW``, ``CUSTOMER_QUEUE``); changing it replaces the flow.
        description: what the flow does, used as the Connect flow description.
    """

    key: str
    file_name: str
    flow_type: str
    description: str

    @property
    def path(self) -> Path:
        """The template file."""
        return FLOW_DIR / self.file_name


INBOUND = FlowSpec(
    key="inbound",
    file_name="inbound.json",
    flow_type=CONTACT_FLOW,
    description="수신 흐름: 고객 조회, AI 상담봇, 상담원 연결 또는 콜백 예약 (음성·채팅)",
)
CUSTOMER_QUEUE_FLOW = FlowSpec(
    key="customer_queue",
    file_name="customer_queue.json",
    flow_type=CUSTOMER_QUEUE,
    description="대기열 흐름: 상담원 연결을 기다리는 고객 안내 (운영시간 확인 포함)",
)

AGENT_WHISPER_FLOW = FlowSpec(
    key="agent_whisper",
    file_name="agent_whisper.json",
    flow_type=AGENT_WHISPER,
    description="상담원 귓속말 흐름: 연결 직전 상담원에게 연결 사유와 고객 등급 안내",
)
# A step-by-step guide is an inbound flow with a Show view block, set as the contact's
# DefaultAgentUI event hook (admin guide: "Set event flow" block, "Default flow for agent UI").
AGENT_GUIDE_FLOW = FlowSpec(
    key="agent_guide",
    file_name="agent_guide.json",
    flow_type=CONTACT_FLOW,
    description="상담원 화면 안내 흐름: 고객, 의도, 사유, 우선순위, 안내한 FAQ, 진행 상황, 마지막 말씀",
)

# Callbacks agents receive (bot.callback_plan): the agent hears this when a queued callback or a
# callback task reaches them; the task flow runs when a callback task is released.
CALLBACK_AGENT_WHISPER_FLOW = FlowSpec(
    key="callback_agent_whisper",
    file_name="callback_agent_whisper.json",
    flow_type=AGENT_WHISPER,
    description="콜백 상담원 귓속말 흐름: 예약 번호, 콜백 사유, 마스킹된 고객 번호 안내",
)
CALLBACK_TASK_FLOW = FlowSpec(
    key="callback_task",
    file_name="callback_task.json",
    flow_type=CONTACT_FLOW,
    description="콜백 작업 흐름: 운영 시작 시각에 콜백 작업을 봇이 고른 대기열에 넣음",
)
#: The queues' outbound whisper (what a called-back customer hears first). Deployed by the Connect
#: stack, not with FLOWS: the queues reference it and the bot stack references the queues.
OUTBOUND_WHISPER_FLOW = FlowSpec(
    key="outbound_whisper",
    file_name="outbound_whisper.json",
    flow_type=OUTBOUND_WHISPER,
    description="발신 안내 흐름: 콜백 전화를 받은 고객에게 누가, 왜 연락드렸는지 안내",
)

#: The flows of the contact center, in deployment-independent order.
FLOWS: Final = (
    INBOUND,
    CUSTOMER_QUEUE_FLOW,
    AGENT_WHISPER_FLOW,
    AGENT_GUIDE_FLOW,
    CALLBACK_AGENT_WHISPER_FLOW,
    CALLBACK_TASK_FLOW,
)
#: The flows the Connect stack deploys (no placeholders: nothing of the bot stack).
CONNECT_FLOWS: Final = (OUTBOUND_WHISPER_FLOW,)


def read_template(spec: FlowSpec) -> str:
    """The template text of ``spec`` (UTF-8), placeholders unresolved."""
    return spec.path.read_text(encoding="utf-8")


def load_template(spec: FlowSpec) -> dict[str, Any]:
    """The template of ``spec`` parsed as JSON (placeholders stay inside their strings)."""
    document = json.loads(read_template(spec))
    if not isinstance(document, dict):
        raise ValueError(f"flow {spec.key}: the template is not a JSON object")
    return document


def placeholders_in(text: str) -> set[str]:
    """The placeholder names (without ``%``) that occur in ``text``."""
    return set(PLACEHOLDER_RE.findall(text))


def resolve_placeholders(text: str, values: Mapping[str, str], *, flow_name: str) -> str:
    """Replace every ``%Name%`` in ``text`` with ``values[Name]``, escaped for a JSON string.

    Raises:
        PlaceholderError: naming the flow and the token when a token has no value, when a value
            has no token in the text, or when a value is not a string.
    """
    used = placeholders_in(text)
    missing = sorted(used - set(values))
    if missing:
        raise PlaceholderError(
            f"flow {flow_name}: no value for placeholder(s) {', '.join(f'%{name}%' for name in missing)}"
        )
    unused = sorted(set(values) - used)
    if unused:
        raise PlaceholderError(
            f"flow {flow_name}: value(s) given for placeholder(s) the flow does not use: "
            f"{', '.join(f'%{name}%' for name in unused)}"
        )
    escaped: dict[str, str] = {}
    for name, value in values.items():
        if not isinstance(value, str):
            raise PlaceholderError(f"flow {flow_name}: the value of %{name}% must be a string")
        # json.dumps gives a quoted JSON string; its inside is what may sit between the quotes.
        escaped[name] = json.dumps(value, ensure_ascii=False)[1:-1]
    return PLACEHOLDER_RE.sub(lambda match: escaped[match.group(1)], text)
