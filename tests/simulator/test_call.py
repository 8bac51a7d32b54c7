"""The call orchestration and command line: Lambda limits, keypad input, settings, options."""

from __future__ import annotations

import ast
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.models import KST
from config.settings import load_environment
from simulator import cli, fakes, world
from simulator.call import call_environment, simulate_call
from simulator.commands import call as call_command
from simulator.connect import SimulatedConnect, SimulatedLambdaContext
from simulator.fakes import InteractiveCaller, ScriptedCaller
from simulator.flow_data import ActionFailed, Contact, InputTimeout, LambdaInvocation
from simulator.world import CallSettings

AT = datetime(2026, 3, 10, 10, 0, tzinfo=KST)


class FakeClock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def connect(
    *,
    inputs: list[str | None],
    channel: str = "VOICE",
    handler: Any = None,
    clock: FakeClock | None = None,
    chat_input: str = "typed",
) -> SimulatedConnect:
    config = load_environment("dev")
    arns = world.LocalArns.for_config(config, ["inbound", "customer_queue"])
    return SimulatedConnect(
        settings=CallSettings(at=AT, channel=channel, chat_input=chat_input),
        config=config,
        arns=arns,
        flows={},
        caller=ScriptedCaller(inputs),
        contact_flow_handler=handler or (lambda event, context: {"result": "ok"}),
        calendar=None,
        monotonic=clock or FakeClock(),
        on_prompt=None,
    )


def invocation(limit: int) -> LambdaInvocation:
    arn = world.LocalArns.for_config(load_environment("dev"), []).contact_flow_function_arn
    return LambdaInvocation(arn, {"action": "lookup_customer"}, limit, "STRING_MAP")


CONTACT = Contact(contact_id="c-1", channel="VOICE", customer_address="+821012345678")


def test_a_function_slower_than_the_flows_limit_takes_the_error_branch() -> None:
    clock = FakeClock()

    def slow(event: dict[str, Any], context: Any) -> dict[str, str]:
        clock.now += 3.5
        return {"result": "ok"}

    services = connect(inputs=[], handler=slow, clock=clock)
    with pytest.raises(ActionFailed, match="InvocationTimeLimitSeconds"):
        services.invoke_lambda(invocation(3), CONTACT)
    assert services.invoke_lambda(invocation(4), CONTACT) == {"result": "ok"}


def test_the_context_reports_the_flows_time_limit_as_remaining_time() -> None:
    seen: list[int] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
        seen.append(context.get_remaining_time_in_millis())
        assert event["Details"]["Parameters"] == {"action": "lookup_customer"}
        assert event["Details"]["ContactData"]["CustomerEndpoint"]["Address"] == "+821012345678"
        return {}

    connect(inputs=[], handler=handler).invoke_lambda(invocation(5), CONTACT)
    assert seen == [5000]


def test_remaining_time_runs_down_on_the_clock() -> None:
    clock = FakeClock()
    context = SimulatedLambdaContext(
        function_name="f", function_arn="arn", timeout_seconds=2, request_id="r", monotonic=clock
    )
    clock.now += 1.25
    assert context.get_remaining_time_in_millis() == 750
    clock.now += 5
    assert context.get_remaining_time_in_millis() == 0


def test_a_voice_caller_presses_one_key_and_words_are_not_key_presses() -> None:
    services = connect(inputs=["12", "일번이요", None])
    assert services.get_input("누르세요", timeout_seconds=5) == "1"
    with pytest.raises(InputTimeout):
        services.get_input(None, timeout_seconds=5)
    with pytest.raises(InputTimeout):
        services.get_input(None, timeout_seconds=5)
    assert services.prompts == ["누르세요"]


def test_a_chat_customer_types_the_choice() -> None:
    assert connect(inputs=[" 2 "], channel="CHAT").get_input(None, timeout_seconds=5) == "2"


@pytest.mark.parametrize(
    ("mode", "choice", "stored"),
    [("typed", True, True), ("unsupported", False, False), ("stored-unsupported", True, False)],
)
def test_chat_input_modes_decide_which_input_blocks_take_typed_text(
    mode: str, choice: bool, stored: bool
) -> None:
    # --chat-input: the AWS pages disagree on chat without Lex (Get customer input: error branch;
    # Store customer input: "No - Error branch"; the action page: "an entered string").
    assert mode in world.CHAT_INPUT_MODES
    services = connect(inputs=["1", "010-1234-5678"], channel="CHAT", chat_input=mode)
    for works, max_length in ((choice, None), (stored, 20)):
        if works:
            assert services.get_input(None, timeout_seconds=5, max_length=max_length)
        else:
            with pytest.raises(ActionFailed, match="--chat-input"):
                services.get_input(None, timeout_seconds=5, max_length=max_length)
    # Voice never depends on it.
    voice = connect(inputs=["1", "0101234"], chat_input=mode)
    assert voice.get_input(None, timeout_seconds=5) == "1"
    assert voice.get_input(None, timeout_seconds=5, max_length=20) == "0101234"


def test_the_contact_id_is_stable_for_the_same_call_and_differs_between_calls() -> None:
    assert CallSettings(at=AT).contact_id == CallSettings(at=AT).contact_id
    assert CallSettings(at=AT).contact_id != CallSettings(at=AT, channel="CHAT").contact_id


def test_interactive_caller_treats_empty_lines_and_end_of_input_as_silence() -> None:
    caller = InteractiveCaller(io.BytesIO("상담원\n\n".encode()), io.BytesIO())
    assert caller.next_input() == "상담원"
    assert caller.next_input() is None
    assert caller.next_input() is None


def test_the_simulator_uses_the_bot_stacks_function_environment_not_a_copy() -> None:
    # The bot stack builds the deployed variables and timeouts with these very functions
    # (tests/constructs/test_bot_functions.py); tests/unit/test_function_environment.py checks
    # that importing them costs no aws_cdk import.
    from constructs_lib import function_environment

    assert world.lex_hook_environment is function_environment.lex_hook_environment
    assert world.contact_flow_environment is function_environment.contact_flow_environment
    assert world.business_calendar_environment is function_environment.business_calendar_environment
    assert world.lex_hook_timeout_seconds is function_environment.lex_hook_timeout_seconds
    assert world.CONTACT_FLOW_TIMEOUT_SECONDS == function_environment.CONTACT_FLOW_TIMEOUT_SECONDS


def test_the_handlers_get_the_variables_their_settings_require() -> None:
    from handlers.settings import ContactFlowSettings, LexHookSettings

    config = load_environment("dev")
    names = world.table_names(config)
    lex = LexHookSettings.from_env(world.lex_hook_environment(config, names, bedrock_enabled=True))
    assert lex.faq_table_name == names["faq"] and lex.bedrock_model_id == config.bedrock_model_id
    flow = ContactFlowSettings.from_env(world.contact_flow_environment(config, names))
    assert flow.customers_table_name == names["customers"]
    assert flow.calendar.holidays  # Korean public holidays reach the function


def test_bedrock_fail_really_calls_bedrock_and_falls_back() -> None:
    attempts: list[str] = []

    def counting_factory(region: str) -> Any:
        client = fakes.throttled_bedrock_client(region)
        client.meta.events.register(
            "provide-client-params.bedrock-runtime.Converse", lambda **_: attempts.append("converse")
        )
        return client

    # Local first (the deployed default): the unclear first turn asks Bedrock (throttled: the local
    # answer stands and the bot asks again); the clear second turn is answered locally.
    result = simulate_call(
        CallSettings(at=AT, bedrock="fail"),
        ScriptedCaller(["주식 추천해 주세요", "앱이 자꾸 꺼져요"]),
        failing_bedrock_client=counting_factory,
    )
    assert attempts == ["converse"], "the throttled Bedrock client was not called for the unclear turn alone"
    assert (result.outcome.value, result.queue) == ("transferred", "tech_support")


@pytest.mark.parametrize(
    ("argv", "mentions"),
    [
        (["call", "--channel", "FAX"], "--channel"),
        (["call", "--at", "yesterday"], "--at"),
        (["call", "--agents-available", "-1"], "--agents-available"),
        (["call", "--caller", "hello"], "--caller"),
        (["call", "--bedrock", "maybe"], "--bedrock"),
        (["call", "--no-such-option"], "unrecognized"),
    ],
)
def test_bad_options_are_one_line_and_exit_two(
    argv: list[str], mentions: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(argv, stdin=io.BytesIO(), stdout=io.BytesIO())
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and mentions in error, error


def test_an_unknown_environment_is_one_line_and_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["call", "--env", "mars", "--json"], stdin=io.BytesIO(), stdout=io.BytesIO()) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "mars" in error


def test_without_say_the_call_is_interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    stdout = io.BytesIO()
    status = cli.main(
        ["call", "--at", "2026-03-10T10:00", "--channel", "CHAT"],
        stdin=io.BytesIO("앱이 자꾸 꺼져요\n".encode()),
        stdout=stdout,
    )
    assert status == 0
    text = stdout.getvalue().decode("utf-8")
    assert "상담봇: 무엇을 도와드릴까요?" in text
    assert "고객> " in text
    assert text.rstrip().endswith("통화 종료: transferred (tech_support)")


def test_at_without_offset_is_korea_time() -> None:
    assert call_command.parse_at("2026-03-10T10:00") == AT
    assert call_command.parse_at("2026-03-10T01:00:00+00:00") == AT


def test_calls_in_one_environment_share_its_tables_and_flows() -> None:
    # The chat server's way: one environment entered once, one call per chat.
    first = CallSettings(at=AT, channel="CHAT")
    second = CallSettings(at=AT + timedelta(minutes=1), channel="CHAT")
    with call_environment("dev") as environment:
        assert {"inbound", "customer_queue"} <= set(environment.flows)
        one = environment.run(first, ScriptedCaller(["앱이 자꾸 꺼져요"]))
        two = environment.run(second, ScriptedCaller(["앱이 자꾸 꺼져요"]))
    assert (one.outcome.value, one.queue) == (two.outcome.value, two.queue) == ("transferred", "tech_support")
    # The second call's tables still hold the first call's conversation.
    contacts = {row["contact_id"] for row in two.records["conversations"]}
    assert contacts == {first.contact_id, second.contact_id}


def test_no_module_imports_a_private_name_of_another_simulator_module() -> None:
    root = Path(__file__).resolve().parents[2]
    private: list[str] = []
    for path in sorted((root / "simulator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("simulator"):
                private += [
                    f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")
                ]
    assert private == []
