"""Deadlines of the functions' AWS calls, on moto: sizing from the time left, and answers under faults.

* The contact-flow function and the Lex hook size every DynamoDB call from the invocation's time
  left (``storage.deadline``): a recording client factory shows the plan each call got.
* Under each fault of ``simulator.faults`` (a table that stalls past any timeout, or fails) each
  function still answers — the contact-flow function ``{"result": "error"}``, the Lex hook a valid
  answer — within its limit. Stalls move a virtual clock that the Lambda context reads: no test
  sleeps.
* A write whose response is lost is retried by botocore and stored exactly once; what a call
  wrote before a table failed stays.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError

from bot import messages
from bot.models import KST
from constructs_lib.function_environment import CONTACT_FLOW_TIMEOUT_SECONDS, lex_hook_timeout_seconds
from contract import TABLE_DEFINITIONS
from handlers import contact_flow, lex_hook
from handlers.contact_flow import ANSWER_BUDGET_SECONDS, ANSWER_MARGIN_SECONDS, ContactFlowApp
from handlers.observability import MetricsPublisher
from handlers.settings import ContactFlowSettings, LexHookSettings
from simulator.connect import SimulatedLambdaContext
from simulator.faults import FAULT_TABLES, FaultInjector, VirtualClock, parse_fault
from storage.deadline import CallPlan
from storage.dynamodb import DynamoDbCallbackRepository, DynamoDbCustomerRepository, dynamodb_clients
from tests.functional.conftest import (
    CONFIG,
    TABLE_NAMES,
    CapturedOutput,
    FakeLambdaContext,
    assert_valid_lex_response,
    load_event,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 11, 24, 10, 0, tzinfo=KST)
#: Table name by table key, as the functional tests' moto tables are named.
NAMES = {definition.key: TABLE_NAMES[definition.environment_variable] for definition in TABLE_DEFINITIONS}
CALLBACKS = NAMES["callbacks"]
CONVERSATIONS = NAMES["conversations"]
RESERVATIONS = NAMES["reservations"]
#: The code hook's timeout as deployed for the functional tests' config (Bedrock off).
LEX_TIMEOUT = lex_hook_timeout_seconds(CONFIG, bedrock_enabled=False)
DELIVERY_TIME_ANSWER = "일반 배송은 주문 후 2-3일, 당일배송은 오후 2시 이전 주문 시 당일 배송됩니다."
HOURS_ANSWER = "평일 오전 9시부터 오후 6시까지 운영합니다. 주말 및 공휴일은 휴무입니다."


class Recorder:
    """A client factory (``dynamodb_clients``) that records the plan of every client it builds."""

    def __init__(self) -> None:
        self.plans: list[CallPlan] = []
        self.clients = dynamodb_clients(customize=self._record)

    def _record(self, client: Any) -> None:
        config = client.meta.config
        self.plans.append(
            CallPlan(config.connect_timeout, config.read_timeout, config.retries["total_max_attempts"])
        )


def flow_app(client_factory: Callable[[], Any]) -> ContactFlowApp:
    settings = ContactFlowSettings.from_env()
    return ContactFlowApp(
        customers=DynamoDbCustomerRepository(settings.customers_table_name, client_factory=client_factory),
        callbacks=DynamoDbCallbackRepository(settings.callbacks_table_name, client_factory=client_factory),
        calendar=settings.calendar,
        metrics=MetricsPublisher(
            namespace=settings.observability.metrics_namespace, service=settings.observability.service_name
        ),
        clock=lambda: NOW,
    )


def lex_app(client_factory: Callable[[], Any]) -> lex_hook.LexHookApp:
    return lex_hook.build_app(LexHookSettings.from_env(), clock=lambda: NOW, dynamodb_clients=client_factory)


def contents(response: dict[str, Any]) -> list[str]:
    return [message["content"] for message in response["messages"]]


def next_turn(previous: dict[str, Any], text: str) -> dict[str, Any]:
    """The caller's next utterance on the same Lex session, carrying the returned attributes."""
    event = load_event("lex_greeting")
    event["inputTranscript"] = text
    event["sessionState"]["intent"]["name"] = "FallbackIntent"
    event["sessionState"]["sessionAttributes"] = dict(previous["sessionState"]["sessionAttributes"])
    return event


class Faults:
    """Faulty tables on a virtual clock that only the stalls move, and Lambda contexts on it."""

    def __init__(self, *faults: str) -> None:
        self.clock = VirtualClock(lambda: 1000.0)
        self.injector = FaultInjector([parse_fault(fault) for fault in faults], NAMES, self.clock)
        self.clients = self.injector.dynamodb_clients()

    def context(self, timeout_seconds: float) -> SimulatedLambdaContext:
        return SimulatedLambdaContext(
            function_name="f",
            function_arn="arn:aws:lambda:ap-northeast-2:000000000000:function:f",
            timeout_seconds=timeout_seconds,
            request_id="r",
            monotonic=self.clock.now,
        )

    def elapsed(self, run: Callable[[], Any]) -> tuple[Any, float]:
        started = self.clock.now()
        result = run()
        return result, self.clock.now() - started


# --- the flows leave the function its budget ----------------------------------------------------------


def _lambda_blocks() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted((REPO_ROOT / "contact_flows").glob("*.json")):
        for action in json.loads(path.read_text(encoding="utf-8")).get("Actions", []):
            if action["Type"] == "InvokeLambdaFunction":
                yield f"{path.name}:{action['Identifier']}", action["Parameters"]


def test_every_flow_gives_the_function_its_answer_budget_and_a_second_more() -> None:
    blocks = list(_lambda_blocks())
    assert blocks
    for name, parameters in blocks:
        assert parameters["LambdaFunctionARN"] == "%ContactFlowFunctionArn%", name
        assert int(parameters["InvocationTimeLimitSeconds"]) >= ANSWER_BUDGET_SECONDS + 1, name
    assert CONTACT_FLOW_TIMEOUT_SECONDS >= ANSWER_BUDGET_SECONDS + ANSWER_MARGIN_SECONDS


# --- calls sized from the time left -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("remaining_millis", "plans", "response"),
    [
        (7000, [CallPlan(0.3, 0.6, 3)], {"result": "ok", "tier": "STANDARD", "name": "", "known": "false"}),
        (1000, [CallPlan(0.2, 0.3, 1)], {"result": "ok", "tier": "STANDARD", "name": "", "known": "false"}),
        (700, [], {"result": "error", "reason": "timeout"}),
        (0, [], {"result": "error", "reason": "timeout"}),
    ],
)
def test_the_contact_flow_function_sizes_its_call_from_the_time_left(
    dynamodb: Any, remaining_millis: int, plans: list[CallPlan], response: dict[str, str]
) -> None:
    recorder = Recorder()
    app = flow_app(recorder.clients)

    answer = contact_flow.handle_event(
        load_event("connect_lookup_customer_unknown"),
        FakeLambdaContext(remaining_millis=remaining_millis),
        app_provider=lambda: app,
    )

    assert answer == response
    assert recorder.plans == plans  # no time left: no client, so no request at all
    for plan in plans:
        assert plan.worst_case_seconds <= min(ANSWER_BUDGET_SECONDS, remaining_millis / 1000 - 0.5)


@pytest.mark.parametrize(
    ("remaining_millis", "plans", "logged"),
    [
        (5000, [CallPlan(0.3, 0.6, 2)], True),  # the log write gets at most 2 s: two attempts
        (1300, [CallPlan(0.2, 0.3, 1)], True),  # 0.8 s left after the margin: one short attempt
        (700, [], False),  # nothing left for the write: the caller is answered all the same
    ],
)
def test_the_lex_hook_sizes_its_calls_from_the_time_left(
    dynamodb: Any,
    captured: CapturedOutput,
    remaining_millis: int,
    plans: list[CallPlan],
    logged: bool,
) -> None:
    recorder = Recorder()
    app = lex_app(recorder.clients)
    recorder.plans.clear()  # the FAQ read of the build ran outside any invocation

    response = lex_hook.handle_event(
        load_event("lex_faq_delivery_time"),
        FakeLambdaContext(remaining_millis=remaining_millis),
        app_provider=lambda: app,
    )

    assert contents(response)[0] == DELIVERY_TIME_ANSWER
    assert_valid_lex_response(response)
    assert recorder.plans == plans
    assert (dynamodb.scan(TableName=CONVERSATIONS)["Count"] == 1) is logged
    assert ("ConversationLogWriteFailed" in captured.metric_names()) is not logged


# --- the contact-flow function under faults ---------------------------------------------------------


@pytest.mark.parametrize(
    ("event_name", "fault", "reason", "attempts"),
    [
        ("connect_lookup_customer_vip", "customers:stall", "timeout", 3),
        ("connect_lookup_customer_vip", "customers:error", "internal_error", 3),
        ("connect_register_callback", "callbacks:stall", "timeout", 3),
        ("connect_register_callback", "callbacks:error", "internal_error", 3),
    ],
)
@pytest.mark.parametrize("timeout", [CONTACT_FLOW_TIMEOUT_SECONDS, 5])
def test_the_contact_flow_function_answers_an_error_in_time_when_its_table_fails(
    dynamodb: Any,
    captured: CapturedOutput,
    event_name: str,
    fault: str,
    reason: str,
    attempts: int,
    timeout: int,
) -> None:
    # ``timeout``: 7 s as Lambda gives it, 5 s as the simulator does for the lookup (its flow limit).
    faults = Faults(fault)
    app = flow_app(faults.clients)
    context = faults.context(timeout)

    answer, elapsed = faults.elapsed(
        lambda: contact_flow.handle_event(load_event(event_name), context, app_provider=lambda: app)
    )

    assert answer == {"result": "error", "reason": reason}
    assert elapsed <= ANSWER_BUDGET_SECONDS
    assert context.get_remaining_time_in_millis() >= ANSWER_MARGIN_SECONDS * 1000
    assert faults.injector.hits[parse_fault(fault).table] == attempts
    assert dynamodb.scan(TableName=CALLBACKS)["Count"] == 0
    assert "ContactFlowError" in captured.metric_names()


def test_a_stalled_table_costs_the_contact_flow_function_at_most_its_budget_with_every_table_down(
    dynamodb: Any,
) -> None:
    faults = Faults(*(f"{key}:stall" for key in FAULT_TABLES))
    app = flow_app(faults.clients)
    for event_name in ("connect_lookup_customer_vip", "connect_register_callback"):
        context = faults.context(CONTACT_FLOW_TIMEOUT_SECONDS)
        answer, elapsed = faults.elapsed(
            lambda event_name=event_name, context=context: contact_flow.handle_event(
                load_event(event_name), context, app_provider=lambda: app
            )
        )
        assert answer["result"] == "error"
        assert 2.0 < elapsed <= ANSWER_BUDGET_SECONDS


# --- the Lex hook under faults ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["stall", "error"])
def test_the_bot_still_answers_when_the_conversation_log_fails(
    dynamodb: Any, captured: CapturedOutput, kind: str
) -> None:
    faults = Faults(f"conversations:{kind}")
    app = lex_app(faults.clients)
    context = faults.context(LEX_TIMEOUT)

    response, elapsed = faults.elapsed(
        lambda: lex_hook.handle_event(load_event("lex_faq_delivery_time"), context, app_provider=lambda: app)
    )

    assert contents(response)[0] == DELIVERY_TIME_ANSWER
    assert_valid_lex_response(response)
    assert elapsed <= lex_hook.CONVERSATION_LOG_SECONDS
    assert "ConversationLogWriteFailed" in captured.metric_names()
    assert dynamodb.scan(TableName=CONVERSATIONS)["Count"] == 0


@pytest.mark.parametrize("kind", ["stall", "error"])
def test_an_order_lookup_on_a_failing_table_apologises_then_hands_over(dynamodb: Any, kind: str) -> None:
    faults = Faults(f"orders:{kind}")
    app = lex_app(faults.clients)

    def turn(event: dict[str, Any]) -> tuple[dict[str, Any], float]:
        context = faults.context(LEX_TIMEOUT)
        response, elapsed = faults.elapsed(
            lambda: lex_hook.handle_event(event, context, app_provider=lambda: app)
        )
        assert_valid_lex_response(response)
        assert elapsed <= LEX_TIMEOUT - lex_hook.ANSWER_MARGIN_SECONDS
        return response, elapsed

    asked, _ = turn(load_event("lex_order_inquiry"))
    first, _ = turn(next_turn(asked, "주문번호는 20251123001 이에요"))
    assert messages.TEMPORARY_ERROR in contents(first)
    second, _ = turn(next_turn(first, "주문번호는 20251123001 이에요"))
    attributes = second["sessionState"]["sessionAttributes"]
    assert (attributes["nextAction"], attributes["reason"]) == ("escalate", "system_error")
    # Every turn before, during and after the failures is in the conversation log.
    assert dynamodb.scan(TableName=CONVERSATIONS)["Count"] == 3


@pytest.mark.parametrize("kind", ["stall", "error"])
def test_a_reservation_on_a_failing_table_apologises_and_keeps_nothing_half_written(
    dynamodb: Any, kind: str
) -> None:
    faults = Faults(f"reservations:{kind}")
    app = lex_app(faults.clients)
    response: dict[str, Any] = {"sessionState": {"sessionAttributes": {}}}
    for text in ("예약 좀 하고 싶어요", "2번이요", "내일이요", "공일공 일이삼사 오육칠팔이요"):
        context = faults.context(LEX_TIMEOUT)
        response, elapsed = faults.elapsed(
            lambda text=text, previous=response, context=context: lex_hook.handle_event(
                next_turn(previous, text), context, app_provider=lambda: app
            )
        )
        assert_valid_lex_response(response)
        assert elapsed <= LEX_TIMEOUT - lex_hook.ANSWER_MARGIN_SECONDS
    assert contents(response)[0] == messages.TEMPORARY_ERROR
    assert messages.RESERVATION_PHONE_PROMPT in contents(response)  # then the keypad note on voice
    assert dynamodb.scan(TableName=RESERVATIONS)["Count"] == 0


def test_a_stalled_faq_table_on_a_cold_start_costs_one_second_and_the_bundled_faq_answers(
    dynamodb: Any, captured: CapturedOutput
) -> None:
    faults = Faults("faq:stall")
    built: list[lex_hook.LexHookApp] = []

    def container_app() -> lex_hook.LexHookApp:  # built inside the first invocation, as on Lambda
        if not built:
            built.append(lex_app(faults.clients))
        return built[0]

    context = faults.context(LEX_TIMEOUT)
    response, elapsed = faults.elapsed(
        lambda: lex_hook.handle_event(load_event("lex_chat_text"), context, app_provider=container_app)
    )

    assert contents(response)[0] == HOURS_ANSWER
    assert 0.5 < elapsed <= lex_hook.FAQ_READ_SECONDS
    assert any("FAQ table unreadable" in record["message"] for record in captured.log_records())


def test_the_lex_hook_answers_in_time_with_every_table_stalled(dynamodb: Any) -> None:
    faults = Faults(*(f"{key}:stall" for key in FAULT_TABLES))
    built: list[lex_hook.LexHookApp] = []

    def container_app() -> lex_hook.LexHookApp:
        if not built:
            built.append(lex_app(faults.clients))
        return built[0]

    response: dict[str, Any] = {"sessionState": {"sessionAttributes": {}}}
    for text in ("주문 조회하고 싶어요", "주문번호는 20251123001 이에요", "주문번호는 20251123001 이에요"):
        context = faults.context(LEX_TIMEOUT)
        response, elapsed = faults.elapsed(
            lambda text=text, previous=response, context=context: lex_hook.handle_event(
                next_turn(previous, text), context, app_provider=container_app
            )
        )
        assert_valid_lex_response(response)
        assert elapsed <= LEX_TIMEOUT - lex_hook.ANSWER_MARGIN_SECONDS
    assert response["sessionState"]["sessionAttributes"]["nextAction"] == "escalate"


# --- retried writes: nothing lost, nothing twice ----------------------------------------------------


class LostResponses:
    """The first PutItem of ``table`` is stored (through ``writer``), but its answer never arrives."""

    def __init__(self, writer: Any, table: str) -> None:
        self._writer = writer
        self._table = table
        self.lost = 0
        self.attempts = 0
        self.clients = dynamodb_clients(customize=self._install)

    def _install(self, client: Any) -> None:
        client.meta.events.register("before-send.dynamodb.PutItem", self._before_send)

    def _before_send(self, request: Any, **_: Any) -> None:
        params = json.loads(request.body)
        if params.get("TableName") != self._table:
            return
        self.attempts += 1
        if self.lost == 0:
            self.lost += 1
            self._writer.put_item(**params)  # the write happens...
            raise ReadTimeoutError(endpoint_url=request.url)  # ...and its answer is lost


def test_a_callback_whose_answer_was_lost_is_stored_once_and_confirmed(dynamodb: Any) -> None:
    lost = LostResponses(dynamodb, CALLBACKS)
    app = flow_app(lost.clients)
    event = load_event("connect_register_callback")

    first = contact_flow.handle_event(
        event, FakeLambdaContext(remaining_millis=7000), app_provider=lambda: app
    )
    retried = contact_flow.handle_event(
        event, FakeLambdaContext(remaining_millis=7000), app_provider=lambda: app
    )

    assert first["result"] == "ok"
    assert retried == first  # Connect's own retry: the same reference and time
    assert (lost.lost, lost.attempts) == (1, 3)  # lost, botocore's retry, Connect's retry
    [item] = dynamodb.scan(TableName=CALLBACKS)["Items"]
    assert item["reference"] == {"S": first["reference"]}


def test_a_conversation_turn_whose_answer_was_lost_is_stored_once(
    dynamodb: Any, captured: CapturedOutput
) -> None:
    lost = LostResponses(dynamodb, CONVERSATIONS)
    app = lex_app(lost.clients)

    response = lex_hook.handle_event(
        load_event("lex_faq_delivery_time"),
        FakeLambdaContext(remaining_millis=5000),
        app_provider=lambda: app,
    )

    assert contents(response)[0] == DELIVERY_TIME_ANSWER
    assert (lost.lost, lost.attempts) == (1, 2)
    assert dynamodb.scan(TableName=CONVERSATIONS)["Count"] == 1
    assert "ConversationLogWriteFailed" not in captured.metric_names()


def test_a_reservation_whose_answer_was_lost_is_stored_once_and_read_back(dynamodb: Any) -> None:
    lost = LostResponses(dynamodb, RESERVATIONS)
    app = lex_app(lost.clients)
    response: dict[str, Any] = {"sessionState": {"sessionAttributes": {}}}
    for text in ("예약 좀 하고 싶어요", "2번이요", "내일이요", "공일공 일이삼사 오육칠팔이요"):
        response = lex_hook.handle_event(
            next_turn(response, text), FakeLambdaContext(remaining_millis=5000), app_provider=lambda: app
        )

    [booking] = dynamodb.scan(TableName=RESERVATIONS)["Items"]
    assert booking["reference"]["S"] in " ".join(contents(response))
    assert lost.lost == 1


def test_what_was_written_before_a_table_failed_stays(dynamodb: Any) -> None:
    healthy = flow_app(dynamodb_clients())
    event = load_event("connect_register_callback")
    stored = contact_flow.handle_event(event, FakeLambdaContext(), app_provider=lambda: healthy)
    turn_one = lex_hook.handle_event(
        load_event("lex_faq_delivery_time"),
        FakeLambdaContext(),
        app_provider=lambda: lex_app(dynamodb_clients()),
    )
    before = {
        CALLBACKS: dynamodb.scan(TableName=CALLBACKS)["Items"],
        CONVERSATIONS: dynamodb.scan(TableName=CONVERSATIONS)["Items"],
    }

    faults = Faults("callbacks:error", "conversations:stall")
    retried = contact_flow.handle_event(
        event, faults.context(7), app_provider=lambda: flow_app(faults.clients)
    )
    turn_two = lex_hook.handle_event(
        next_turn(turn_one, "영업시간이 어떻게 되나요"),
        faults.context(LEX_TIMEOUT),
        app_provider=lambda: lex_app(faults.clients),
    )

    assert stored["result"] == "ok"
    assert retried == {"result": "error", "reason": "internal_error"}
    assert contents(turn_two)[0] == HOURS_ANSWER
    assert dynamodb.scan(TableName=CALLBACKS)["Items"] == before[CALLBACKS]
    assert dynamodb.scan(TableName=CONVERSATIONS)["Items"] == before[CONVERSATIONS]
