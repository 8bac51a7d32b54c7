"""``python -m simulator run-flow`` and ``python -m simulator conformance`` on small flows written here.

Runs go in-process through :func:`simulator.cli.main` (an interpreter start costs about half a
second); one subprocess proves the module entry point. Only ``contact_flows/`` of this repository
is read; the flows that exercise each option are written below, prompts in Korean.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from simulator import cli

REPO_ROOT = Path(__file__).resolve().parents[2]
INBOUND = REPO_ROOT / "contact_flows" / "inbound.json"
CUSTOMER_QUEUE = REPO_ROOT / "contact_flows" / "customer_queue.json"
RESULT_KEYS = {"outcome", "prompts", "path", "attributes", "trace", "error"}

QUEUE_ARN = "arn:aws:connect:ap-northeast-2:111122223333:instance/abc/queue/q1"
HOURS_ARN = "arn:aws:connect:ap-northeast-2:111122223333:instance/abc/operating-hours/h1"
FUNCTION_ARN = "arn:aws:lambda:ap-northeast-2:111122223333:function:lookup-customer"
BOT_ALIAS_ARN = "arn:aws:lex:ap-northeast-2:111122223333:bot-alias/BOTID/ALIASID"

Document = dict[str, Any]


# --- flow builders -------------------------------------------------------------------------------


def flow(start: str, *actions: Document) -> Document:
    return {"Version": "2019-10-30", "StartAction": start, "Actions": list(actions)}


def errors(*pairs: tuple[str, str]) -> list[Document]:
    return [{"ErrorType": error_type, "NextAction": target} for error_type, target in pairs]


def equals(operand: str, target: str) -> Document:
    return {"NextAction": target, "Condition": {"Operator": "Equals", "Operands": [operand]}}


def message(identifier: str, text: str, next_action: str = "disconnect") -> Document:
    return {
        "Identifier": identifier,
        "Type": "MessageParticipant",
        "Parameters": {"Text": text},
        "Transitions": {"NextAction": next_action, "Errors": errors(("NoMatchingError", next_action))},
    }


def disconnect() -> Document:
    return {"Identifier": "disconnect", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}


def end_flow(identifier: str = "end") -> Document:
    return {"Identifier": identifier, "Type": "EndFlowExecution", "Parameters": {}, "Transitions": {}}


def hours_flow() -> Document:
    return flow(
        "check-hours",
        {
            "Identifier": "check-hours",
            "Type": "CheckHoursOfOperation",
            "Parameters": {"HoursOfOperationId": HOURS_ARN},
            "Transitions": {
                "NextAction": "closed",
                "Conditions": [equals("True", "open"), equals("False", "closed")],
                "Errors": errors(("NoMatchingError", "closed")),
            },
        },
        message("open", "상담 가능 시간입니다. 무엇을 도와드릴까요?"),
        message("closed", "지금은 상담 가능 시간이 아닙니다. 평일 오전 9시에 다시 연락해 주세요."),
        disconnect(),
    )


def lex_flow() -> Document:
    return flow(
        "ask-bot",
        {
            "Identifier": "ask-bot",
            "Type": "ConnectParticipantWithLexBot",
            "Parameters": {"Text": "무엇을 도와드릴까요?", "LexV2Bot": {"AliasArn": BOT_ALIAS_ARN}},
            "Transitions": {
                "NextAction": "not-understood",
                "Conditions": [equals("OrderStatus", "order"), equals("TransferToAgent", "agent")],
                "Errors": errors(
                    ("InputTimeLimitExceeded", "silent"),
                    ("NoMatchingCondition", "not-understood"),
                    ("NoMatchingError", "not-understood"),
                ),
            },
        },
        message("order", "주문 조회를 도와드리겠습니다."),
        message("agent", "상담원에게 연결해 드리겠습니다."),
        message("not-understood", "죄송합니다. 잘 이해하지 못했습니다."),
        message("silent", "응답이 없어 상담을 종료합니다."),
        disconnect(),
    )


def lambda_flow() -> Document:
    return flow(
        "lookup",
        {
            "Identifier": "lookup",
            "Type": "InvokeLambdaFunction",
            "Parameters": {
                "LambdaFunctionARN": FUNCTION_ARN,
                "InvocationTimeLimitSeconds": "5",
                "InvocationType": "SYNCHRONOUS",
                "LambdaInvocationAttributes": {"action": "lookup_customer"},
                "ResponseValidation": {"ResponseType": "STRING_MAP"},
            },
            "Transitions": {"NextAction": "check-result", "Errors": errors(("NoMatchingError", "failed"))},
        },
        {
            "Identifier": "check-result",
            "Type": "Compare",
            "Parameters": {"ComparisonValue": "$.External.result"},
            "Transitions": {
                "NextAction": "unknown-customer",
                "Conditions": [equals("ok", "remember")],
                "Errors": errors(("NoMatchingCondition", "unknown-customer")),
            },
        },
        {
            "Identifier": "remember",
            "Type": "UpdateContactAttributes",
            "Parameters": {"Attributes": {"customerTier": "$.External.tier"}},
            "Transitions": {"NextAction": "known-customer", "Errors": errors(("NoMatchingError", "failed"))},
        },
        message("known-customer", "$.External.name 고객님, 다시 찾아 주셔서 감사합니다."),
        message("unknown-customer", "처음 오신 고객님, 환영합니다."),
        message("failed", "죄송합니다. 고객 정보를 확인하지 못했습니다."),
        disconnect(),
    )


def recording_flow() -> Document:
    return flow(
        "record",
        {
            "Identifier": "record",
            "Type": "UpdateContactRecordingBehavior",
            "Parameters": {"RecordingBehavior": {"RecordedParticipants": ["Agent", "Customer"]}},
            "Transitions": {"NextAction": "welcome"},
        },
        message("welcome", "통화 품질 향상을 위해 녹음됩니다."),
        disconnect(),
    )


def module_document() -> Document:
    return flow(
        "module-greeting",
        message("module-greeting", "모듈에서 본인 확인 안내를 드립니다.", "module-return"),
        {
            "Identifier": "module-return",
            "Type": "EndFlowModuleExecution",
            "Parameters": {},
            "Transitions": {},
        },
    )


def invoking_flow(module_id: str = "identity-check") -> Document:
    return flow(
        "invoke",
        {
            "Identifier": "invoke",
            "Type": "InvokeFlowModule",
            "Parameters": {"FlowModuleId": module_id},
            "Transitions": {
                "NextAction": "after-module",
                "Errors": errors(("NoMatchingError", "disconnect")),
            },
        },
        message("after-module", "본인 확인이 끝났습니다."),
        disconnect(),
    )


def transfer_to_flow(
    target: str = "arn:aws:connect:ap-northeast-2:111122223333:instance/abc/contact-flow/f9",
):
    return flow(
        "announce",
        message("announce", "다른 상담 흐름으로 안내해 드리겠습니다.", "transfer-flow"),
        {
            "Identifier": "transfer-flow",
            "Type": "TransferToFlow",
            "Parameters": {"ContactFlowId": target},
            "Transitions": {"NextAction": "sorry", "Errors": errors(("NoMatchingError", "sorry"))},
        },
        message("sorry", "연결에 실패했습니다."),
        disconnect(),
    )


def queue_flow(hook: str = "waiting-room") -> Document:
    return flow(
        "set-hook",
        {
            "Identifier": "set-hook",
            "Type": "UpdateContactEventHooks",
            "Parameters": {"EventHooks": {"CustomerQueue": hook}},
            "Transitions": {"NextAction": "set-queue", "Errors": errors(("NoMatchingError", "set-queue"))},
        },
        {
            "Identifier": "set-queue",
            "Type": "UpdateContactTargetQueue",
            "Parameters": {"QueueId": QUEUE_ARN},
            "Transitions": {"NextAction": "transfer", "Errors": errors(("NoMatchingError", "busy"))},
        },
        {
            "Identifier": "transfer",
            "Type": "TransferContactToQueue",
            "Parameters": {},
            "Transitions": {
                "NextAction": "busy",
                "Errors": errors(("QueueAtCapacity", "full"), ("NoMatchingError", "busy")),
            },
        },
        message("busy", "상담원 연결에 실패했습니다."),
        message("full", "대기 고객이 많아 연결이 어렵습니다."),
        disconnect(),
    )


def waiting_room() -> Document:
    """A customer-queue flow: a voice hold loop, or a chat message."""
    return flow(
        "hold-music",
        {
            "Identifier": "hold-music",
            "Type": "MessageParticipantIteratively",
            "Parameters": {
                "Messages": [
                    {"Text": "순서대로 연결해 드리겠습니다. 잠시만 기다려 주세요."},
                    {"Text": "기다려 주셔서 감사합니다."},
                ]
            },
            "Transitions": {"NextAction": "end", "Errors": errors(("NoMatchingError", "chat-wait"))},
        },
        {
            "Identifier": "chat-wait",
            "Type": "MessageParticipant",
            "Parameters": {"Text": "채팅 상담원 연결을 기다리고 계십니다."},
            "Transitions": {"NextAction": "end", "Errors": errors(("NoMatchingError", "end"))},
        },
        end_flow(),
    )


# --- helpers -------------------------------------------------------------------------------------


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def run_cli(*argv: str) -> tuple[int, str]:
    """(exit status, stdout) of one in-process run."""
    out = io.BytesIO()
    status = cli.main(list(argv), stdin=io.BytesIO(), stdout=out)
    return status, out.getvalue().decode("utf-8")


def run_json(*argv: str, expect: int = 0) -> dict[str, Any]:
    """The one JSON object of ``run-flow ... --json`` (and that there is exactly one)."""
    status, out = run_cli("run-flow", *argv, "--json")
    assert status == expect, out
    lines = out.splitlines()
    assert len(lines) == 1, out
    result = json.loads(lines[0])
    assert set(result) == RESULT_KEYS
    return result


def run_document(tmp_path: Path, document: Document, *options: str, expect: int = 0) -> dict[str, Any]:
    path = write(tmp_path / "flow.json", document)
    return run_json(str(path), *options, expect=expect)


def one_stderr_line(captured: pytest.CaptureFixture[str]) -> str:
    err = captured.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- run-flow: our flows in the default world ----------------------------------------------------


def test_inbound_with_unresolved_placeholders_runs_to_an_end() -> None:
    result = run_json(str(INBOUND))
    assert result["outcome"] == "disconnected"
    assert result["error"] is None
    assert result["path"][0] == "set-logging"
    assert result["path"][-1] == "disconnect"
    assert result["prompts"][0] == "안녕하세요! 고객센터에 연락해 주셔서 감사합니다."
    assert "event hook CustomerQueue set to %CustomerQueueFlowArn%" in result["trace"]


def test_inbound_caller_who_speaks_is_queued_and_the_customer_queue_flow_runs() -> None:
    hook = f"%CustomerQueueFlowArn%={CUSTOMER_QUEUE}:CUSTOMER_QUEUE"
    result = run_json(str(INBOUND), "--say", "상담원 연결해 주세요", "--flow", hook)
    assert result["outcome"] == "queued"
    assert "CustomerQueue flow %CustomerQueueFlowArn% runs" in result["trace"]
    assert "queue-hold" in result["path"]  # customer_queue.json, on voice
    assert result["path"][-1] == "queue-end"


def test_readable_output_without_json() -> None:
    status, out = run_cli("run-flow", str(INBOUND))
    assert status == 0
    assert out.startswith("outcome: disconnected\n")
    assert "path: set-logging → " in out
    assert "  ♪ 안녕하세요!" in out


# --- run-flow: each option -----------------------------------------------------------------------


def test_closed_changes_the_hours_branch(tmp_path: Path) -> None:
    opened = run_document(tmp_path, hours_flow())
    assert opened["path"] == ["check-hours", "open", "disconnect"]
    assert opened["prompts"] == ["상담 가능 시간입니다. 무엇을 도와드릴까요?"]
    closed = run_document(tmp_path, hours_flow(), "--closed")
    assert closed["path"] == ["check-hours", "closed", "disconnect"]
    assert closed["outcome"] == "disconnected"


def test_intent_picks_the_lex_condition(tmp_path: Path) -> None:
    default = run_document(tmp_path, lex_flow(), "--say", "주문한 물건이 어디쯤 왔나요")
    assert default["path"] == ["ask-bot", "order", "disconnect"]  # the flow's first intent
    chosen = run_document(tmp_path, lex_flow(), "--say", "상담원 바꿔 주세요", "--intent", "TransferToAgent")
    assert chosen["path"] == ["ask-bot", "agent", "disconnect"]
    assert chosen["prompts"] == ["무엇을 도와드릴까요?", "상담원에게 연결해 드리겠습니다."]
    unknown = run_document(tmp_path, lex_flow(), "--say", "날씨 어때요", "--intent", "Weather")
    assert unknown["path"] == ["ask-bot", "not-understood", "disconnect"]
    silent = run_document(tmp_path, lex_flow())
    assert silent["path"] == ["ask-bot", "silent", "disconnect"]


def test_fail_lex_takes_the_error_branch(tmp_path: Path) -> None:
    result = run_document(tmp_path, lex_flow(), "--say", "안녕하세요", "--fail", "Lex")
    assert result["path"] == ["ask-bot", "not-understood", "disconnect"]


def test_lambda_response_fills_external(tmp_path: Path) -> None:
    response = json.dumps({"result": "ok", "name": "김지수", "tier": "VIP"}, ensure_ascii=False)
    result = run_document(tmp_path, lambda_flow(), "--lambda-response", response)
    assert result["path"] == ["lookup", "check-result", "remember", "known-customer", "disconnect"]
    assert result["prompts"] == ["김지수 고객님, 다시 찾아 주셔서 감사합니다."]
    assert result["attributes"] == {"customerTier": "VIP"}


def test_lambda_default_answer_is_an_empty_map(tmp_path: Path) -> None:
    result = run_document(tmp_path, lambda_flow())
    assert result["path"] == ["lookup", "check-result", "unknown-customer", "disconnect"]
    assert result["attributes"] == {}


def test_lambda_response_that_is_not_a_string_map_takes_the_error_branch(tmp_path: Path) -> None:
    result = run_document(tmp_path, lambda_flow(), "--lambda-response", '{"result": "ok", "count": 3}')
    assert result["path"] == ["lookup", "failed", "disconnect"]


def test_fail_lambda_takes_the_error_branch(tmp_path: Path) -> None:
    result = run_document(
        tmp_path, lambda_flow(), "--lambda-response", '{"result": "ok"}', "--fail", "Lambda"
    )
    assert result["path"] == ["lookup", "failed", "disconnect"]
    assert result["prompts"] == ["죄송합니다. 고객 정보를 확인하지 못했습니다."]
    assert result["outcome"] == "disconnected"


def test_fail_recording_without_an_error_branch_ends_the_contact(tmp_path: Path) -> None:
    working = run_document(tmp_path, recording_flow())
    assert working["path"] == ["record", "welcome", "disconnect"]
    assert any(event.startswith("recording ") for event in working["trace"])
    failing = run_document(
        tmp_path, recording_flow(), "--fail", "UpdateContactRecordingBehavior=NoMatchingError"
    )
    assert failing["outcome"] == "unhandled_error"
    assert failing["error"] is None
    assert failing["path"] == ["record"]
    assert any("NoMatchingError with no branch" in event for event in failing["trace"])


def profile_flow() -> Document:
    return flow(
        "profile",
        {
            "Identifier": "profile",
            "Type": "GetCustomerProfile",
            "Parameters": {
                "ProfileRequestData": {
                    "IdentifierName": "_phone",
                    "IdentifierValue": "$.CustomerEndpoint.Address",
                },
                "ProfileResponseData": ["FirstName", "LastName", "PhoneNumber"],
            },
            "Transitions": {
                "NextAction": "known",
                "Errors": errors(("NoneFoundError", "new-customer"), ("NoMatchingError", "failed")),
            },
        },
        message("known", "등록된 고객님이시군요."),
        message("new-customer", "처음 오신 고객님, 환영합니다."),
        message("failed", "고객 정보를 확인하지 못했습니다."),
        disconnect(),
    )


def test_fail_takes_the_named_error_branch(tmp_path: Path) -> None:
    assert run_document(tmp_path, profile_flow())["path"] == ["profile", "known", "disconnect"]
    named = run_document(tmp_path, profile_flow(), "--fail", "GetCustomerProfile=NoneFoundError")
    assert named["path"] == ["profile", "new-customer", "disconnect"]
    assert any(event.startswith("GetCustomerProfile failed") for event in named["trace"])
    default_error = run_document(tmp_path, profile_flow(), "--fail", "GetCustomerProfile")
    assert default_error["path"] == ["profile", "failed", "disconnect"]
    # An error without its own branch falls back to NoMatchingError's.
    other = run_document(tmp_path, profile_flow(), "--fail", "GetCustomerProfile=MultipleFoundError")
    assert other["path"] == ["profile", "failed", "disconnect"]


def test_fail_transfer_to_flow_takes_its_error_branch(tmp_path: Path) -> None:
    result = run_document(tmp_path, transfer_to_flow(), "--fail", "TransferToFlow")
    assert result["outcome"] == "disconnected"
    assert result["path"] == ["announce", "transfer-flow", "sorry", "disconnect"]


def test_queue_capacity_and_contacts_in_queue(tmp_path: Path) -> None:
    queued = run_document(tmp_path, queue_flow(), "--queue-capacity", "5", "--contacts-in-queue", "4")
    assert queued["outcome"] == "queued"
    full = run_document(tmp_path, queue_flow(), "--queue-capacity", "5", "--contacts-in-queue", "5")
    assert full["path"][-2:] == ["full", "disconnect"]
    assert full["prompts"] == ["대기 고객이 많아 연결이 어렵습니다."]


def test_flow_module_runs_by_its_id(tmp_path: Path) -> None:
    module = write(tmp_path / "module.json", module_document())
    result = run_document(tmp_path, invoking_flow(), "--flow", f"identity-check={module}:FLOW_MODULE")
    assert result["outcome"] == "disconnected"
    assert result["path"] == ["invoke", "module-greeting", "module-return", "after-module", "disconnect"]
    assert result["prompts"] == ["모듈에서 본인 확인 안내를 드립니다.", "본인 확인이 끝났습니다."]
    assert "module identity-check entered" in result["trace"]
    assert "module identity-check returned" in result["trace"]


def test_flow_module_by_arn_matches_the_id(tmp_path: Path) -> None:
    module = write(tmp_path / "module.json", module_document())
    arn = "arn:aws:connect:ap-northeast-2:111122223333:instance/abc/flow-module/identity-check"
    result = run_document(tmp_path, invoking_flow(arn), "--flow", f"identity-check={module}:flow_module")
    assert "module-greeting" in result["path"]


def test_flow_module_without_a_document_is_simulated_as_returning(tmp_path: Path) -> None:
    result = run_document(tmp_path, invoking_flow())
    assert result["path"] == ["invoke", "after-module", "disconnect"]
    assert "module identity-check ran (no document: simulated as returning)" in result["trace"]


def test_transfer_to_an_unknown_flow_ends_transferred(tmp_path: Path) -> None:
    result = run_document(tmp_path, transfer_to_flow())
    assert result["outcome"] == "transferred"
    assert result["error"] is None
    assert result["path"] == ["announce", "transfer-flow"]
    assert any("no document: the simulation ends there" in event for event in result["trace"])


def test_transfer_to_a_known_flow_continues_there(tmp_path: Path) -> None:
    target = write(tmp_path / "target.json", hours_flow())
    result = run_document(
        tmp_path, transfer_to_flow("after-hours-flow"), "--flow", f"after-hours-flow={target}"
    )
    assert result["outcome"] == "disconnected"
    assert result["path"] == ["announce", "transfer-flow", "check-hours", "open", "disconnect"]


def test_queue_transfer_runs_the_customer_queue_hook_flow(tmp_path: Path) -> None:
    hook = write(tmp_path / "waiting.json", waiting_room())
    result = run_document(tmp_path, queue_flow(), "--flow", f"waiting-room={hook}:CUSTOMER_QUEUE")
    assert result["outcome"] == "queued"
    assert result["path"] == ["set-hook", "set-queue", "transfer", "hold-music", "end"]
    assert result["prompts"] == [
        "순서대로 연결해 드리겠습니다. 잠시만 기다려 주세요.",
        "기다려 주셔서 감사합니다.",
    ]
    assert "CustomerQueue flow waiting-room runs" in result["trace"]
    assert f"an agent answered from {QUEUE_ARN}" in result["trace"]


def test_queue_hook_without_a_document_is_traced(tmp_path: Path) -> None:
    result = run_document(tmp_path, queue_flow())
    assert result["outcome"] == "queued"
    assert "CustomerQueue flow waiting-room (no document: not simulated)" in result["trace"]


def test_no_agents_means_nobody_answers(tmp_path: Path) -> None:
    result = run_document(tmp_path, queue_flow(), "--agents", "0")
    assert result["outcome"] == "queued"
    assert not any(event.startswith("an agent answered") for event in result["trace"])


def test_chat_on_a_loop_prompt_takes_the_error_branch(tmp_path: Path) -> None:
    hook = write(tmp_path / "waiting.json", waiting_room())
    result = run_document(
        tmp_path, queue_flow(), "--channel", "chat", "--flow", f"waiting-room={hook}:CUSTOMER_QUEUE"
    )
    assert result["path"] == ["set-hook", "set-queue", "transfer", "hold-music", "chat-wait", "end"]
    assert result["prompts"] == ["채팅 상담원 연결을 기다리고 계십니다."]
    alone = run_document(tmp_path, waiting_room(), "--type", "CUSTOMER_QUEUE", "--channel", "CHAT")
    assert alone["outcome"] == "ended"
    assert alone["path"] == ["hold-music", "chat-wait", "end"]


def test_percent_picks_the_distribution_branch(tmp_path: Path) -> None:
    document = flow(
        "split",
        {
            "Identifier": "split",
            "Type": "DistributeByPercentage",
            "Parameters": {},
            "Transitions": {
                "NextAction": "group-b",
                "Conditions": [
                    {"NextAction": "group-a", "Condition": {"Operator": "NumberLessThan", "Operands": ["31"]}}
                ],
                "Errors": errors(("NoMatchingCondition", "group-b")),
            },
        },
        message("group-a", "A 그룹 안내입니다."),
        message("group-b", "B 그룹 안내입니다."),
        disconnect(),
    )
    assert run_document(tmp_path, document)["path"][1] == "group-a"
    assert run_document(tmp_path, document, "--percent", "30")["path"][1] == "group-a"
    assert run_document(tmp_path, document, "--percent", "31")["path"][1] == "group-b"


# --- run-flow: runtime errors and bad usage ------------------------------------------------------


def test_transition_to_a_missing_action_is_a_runtime_error(tmp_path: Path) -> None:
    document = flow("welcome", message("welcome", "안녕하세요.", "nowhere"), disconnect())
    result = run_document(tmp_path, document, expect=1)
    assert result["outcome"] == "error"
    assert "transition to unknown action 'nowhere'" in result["error"]
    assert result["path"] == ["welcome"]
    assert result["prompts"] == ["안녕하세요."]


def test_runtime_error_is_reported_without_json_too(tmp_path: Path) -> None:
    path = write(tmp_path / "flow.json", flow("welcome", message("welcome", "안녕하세요.", "nowhere")))
    status, out = run_cli("run-flow", str(path))
    assert status == 1
    assert out.startswith("outcome: error\nerror: ")


def test_an_action_the_checker_rejects_stops_the_run(tmp_path: Path) -> None:
    document = flow(
        "welcome",
        {
            "Identifier": "welcome",
            "Type": "MessageParticipant",
            "Parameters": {"Text": "안녕하세요.", "Colour": "blue"},
            "Transitions": {"NextAction": "disconnect"},
        },
        disconnect(),
    )
    result = run_document(tmp_path, document, expect=1)
    assert result["outcome"] == "error"
    assert "unknown parameter" in result["error"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["{missing}"], "no such file"),
        (["{invalid}"], "is not JSON"),
        (["{directory}"], "is a directory"),
        (["{array}"], "a flow must be a JSON object"),
        (["{no_start}"], "StartAction"),
        (["{flow}", "--flow", "identity-check"], "--flow takes ID=FILE[:TYPE]"),
        (["{flow}", "--flow", "=module.json"], "--flow takes ID=FILE[:TYPE]"),
        (["{flow}", "--flow", "m={missing}"], "no such file"),
        (["{flow}", "--flow", "m={flow}:NOT_A_TYPE"], "unknown flow type"),
        (["{flow}", "--fail", "=NoMatchingError"], "--fail names a Flow-language action type"),
        (["{flow}", "--fail", "Nonsense"], "got 'Nonsense'"),
        (["{flow}", "--fail", "lambda"], "got 'lambda'"),
    ],
)
def test_bad_usage_returns_2_with_one_line(
    argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "invalid.json").write_text("{", encoding="utf-8")
    paths = {
        "missing": str(tmp_path / "missing.json"),
        "invalid": str(tmp_path / "invalid.json"),
        "directory": str(tmp_path),
        "array": str(write(tmp_path / "array.json", [hours_flow()])),
        "no_start": str(write(tmp_path / "no-start.json", {**hours_flow(), "StartAction": "gone"})),
        "flow": str(write(tmp_path / "flow.json", hours_flow())),
    }
    resolved = [arg.format(**paths) for arg in argv]
    status, out = run_cli("run-flow", *resolved, "--json")
    assert status == 2
    assert out == ""
    line = one_stderr_line(capsys)
    assert line.startswith("python -m simulator run-flow: error: ")
    assert expected in line


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--type", "NOT_A_TYPE"),
        ("--channel", "FAX"),
        ("--percent", "0"),
        ("--percent", "101"),
        ("--agents", "-1"),
        ("--queue-capacity", "many"),
        ("--lambda-response", "not json"),
        ("--lambda-response", '["a list"]'),
    ],
)
def test_bad_option_values_exit_2_with_one_line(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli("run-flow", str(INBOUND), option, value, "--json")
    assert exit_info.value.code == 2
    line = one_stderr_line(capsys)
    assert line.startswith("python -m simulator run-flow: error: ")
    assert option in line


# --- conformance ---------------------------------------------------------------------------------


def conformance_dir(tmp_path: Path, **extra: Document) -> Path:
    folder = tmp_path / "flows"
    folder.mkdir()
    write(folder / "hours.json", hours_flow())
    write(folder / "waiting.json", waiting_room())
    types = {"hours.json": "CONTACT_FLOW", "waiting.json": "CUSTOMER_QUEUE"}
    for name, document in extra.items():
        write(folder / f"{name}.json", document)
        types[f"{name}.json"] = "CONTACT_FLOW"
    write(folder / "types.json", types)
    return folder


def test_conformance_of_a_clean_folder(tmp_path: Path) -> None:
    status, out = run_cli("conformance", str(conformance_dir(tmp_path)))
    assert status == 0, out
    lines = out.splitlines()
    assert lines[-1] == "2/2 flows conform"
    assert lines[0].startswith("ok   hours.json [CONTACT_FLOW] errors=0 warnings=0 outcome=disconnected")
    assert lines[1].startswith("ok   waiting.json [CUSTOMER_QUEUE] errors=0 warnings=0 outcome=ended")
    assert len(lines) == 3


def test_conformance_fails_a_flow_with_a_checker_error(tmp_path: Path) -> None:
    broken = flow("welcome", message("welcome", "안녕하세요.", "disconnect"), disconnect())
    broken["Actions"][0]["Parameters"]["Colour"] = "blue"
    status, out = run_cli("conformance", str(conformance_dir(tmp_path, broken=broken)))
    assert status == 1
    lines = out.splitlines()
    assert lines[-1] == "2/3 flows conform"
    fail_line = next(line for line in lines if line.startswith("FAIL"))
    assert fail_line.startswith("FAIL broken.json [CONTACT_FLOW] errors=1")
    assert any(line.startswith("    error: ") and "unknown parameter" in line for line in lines)


def test_conformance_fails_a_flow_that_cannot_run(tmp_path: Path) -> None:
    dangling = flow("welcome", message("welcome", "안녕하세요.", "nowhere"), disconnect())
    status, out = run_cli("conformance", str(conformance_dir(tmp_path, dangling=dangling)))
    assert status == 1
    assert "FAIL dangling.json" in out
    assert "    run: " in out


def test_conformance_without_types_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "hours.json", hours_flow())
    status, out = run_cli("conformance", str(tmp_path))
    assert status == 2
    assert out == ""
    line = one_stderr_line(capsys)
    assert line.startswith("python -m simulator conformance: error: no readable types.json")


# --- the module entry point ----------------------------------------------------------------------


def test_module_run_flow_prints_one_json_object() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "simulator", "run-flow", "contact_flows/inbound.json", "--json"],
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == b""
    lines = completed.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert set(result) == RESULT_KEYS
    assert result["outcome"] == "disconnected"
    assert result["prompts"][0] == "안녕하세요! 고객센터에 연락해 주셔서 감사합니다."


def test_conformance_reports_a_listed_file_that_is_missing(tmp_path: Path) -> None:
    folder = conformance_dir(tmp_path)
    types = json.loads((folder / "types.json").read_text(encoding="utf-8"))
    write(folder / "types.json", {**types, "gone.json": "CONTACT_FLOW"})
    status, out = run_cli("conformance", str(folder))
    assert status == 1
    assert "FAIL gone.json: listed in types.json" in out
    assert out.splitlines()[-1] == "2/3 flows conform"


def test_conformance_with_a_types_json_that_is_not_a_map_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "types.json", ["hours.json"])
    status, out = run_cli("conformance", str(tmp_path))
    assert status == 2
    assert out == ""
    assert "types.json must map file names to flow types" in one_stderr_line(capsys)


def test_fail_applies_to_any_action_type_not_only_service_actions(tmp_path: Path) -> None:
    result = run_document(tmp_path, queue_flow(), "--fail", "TransferContactToQueue=QueueAtCapacity")
    assert result["path"][-2:] == ["full", "disconnect"]
    assert any(event.startswith("TransferContactToQueue failed") for event in result["trace"])
