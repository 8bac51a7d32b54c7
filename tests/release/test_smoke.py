"""``python -m release.smoke``: a chat over the public APIs, its checks, its bounds and its clean-up."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import ANY

from bot.faq import FaqMatcher, load_faq_entries
from contract import Queue
from release import smoke
from scenarios.calls import SCRIPTED_CALLS
from tests.release.aws_stubs import FLOW_ARN, FLOW_ID, INSTANCE_ID, StubbedAws, VirtualClock

PREFIX = "aicc-dev"
CONTACT_ID = "contact-1"
TOKEN = "connection-token"
EXPECT = smoke.expectations()
WELCOME, BOT_PROMPT = EXPECT.greeting


@pytest.fixture
def aws() -> Iterator[StubbedAws]:
    stubbed = StubbedAws("cloudformation", "connect", "connectparticipant")
    with stubbed.active():
        yield stubbed
    stubbed.assert_done()


def run_smoke(aws: StubbedAws, *args: str, sleep: Any = None) -> tuple[int, str, str]:
    clock = VirtualClock()
    out, err = io.StringIO(), io.StringIO()
    status = smoke.main(
        ["--env", "dev", "--poll-seconds", "2", *args],
        clients=aws,
        clock=clock,
        sleep=sleep or clock.sleep,
        stdout=out,
        stderr=err,
    )
    return status, out.getvalue(), err.getvalue()


def deployed(aws: StubbedAws) -> None:
    aws.stack(f"{PREFIX}-connect", {"InstanceId": INSTANCE_ID})
    aws.stack(f"{PREFIX}-bot", {"InboundFlowArn": FLOW_ARN, "LexBotId": "bot-1"})


def chat_started(aws: StubbedAws) -> None:
    aws["connect"].add_response(
        "start_chat_contact",
        {"ContactId": CONTACT_ID, "ParticipantId": "participant-1", "ParticipantToken": "participant-token"},
        {
            "InstanceId": INSTANCE_ID,
            "ContactFlowId": FLOW_ID,
            "ParticipantDetails": {"DisplayName": smoke.DISPLAY_NAME},
            "SupportedMessagingContentTypes": ["text/plain"],
            "ClientToken": ANY,
        },
    )
    aws["connectparticipant"].add_response(
        "create_participant_connection",
        {"ConnectionCredentials": {"ConnectionToken": TOKEN, "Expiry": "2026-03-10T02:00:00Z"}},
        {
            "Type": ["CONNECTION_CREDENTIALS"],
            "ParticipantToken": "participant-token",
            "ConnectParticipant": True,
        },
    )


def message(item_id: str, second: int, role: str, content: str) -> dict[str, Any]:
    return {
        "Id": item_id,
        "AbsoluteTime": f"2026-03-10T01:00:{second:02d}.000Z",
        "Type": "MESSAGE",
        "ContentType": "text/plain",
        "ParticipantRole": role,
        "Content": content,
    }


def transcript(aws: StubbedAws, *pages: list[dict[str, Any]]) -> None:
    """One read of the transcript, in as many pages as given."""
    for index, page in enumerate(pages):
        response: dict[str, Any] = {"InitialContactId": CONTACT_ID, "Transcript": page}
        request: dict[str, Any] = {"ConnectionToken": TOKEN, "MaxResults": 100, "SortOrder": "ASCENDING"}
        if index + 1 < len(pages):
            response["NextToken"] = f"page-{index + 2}"
        if index:
            request["NextToken"] = f"page-{index + 1}"
        aws["connectparticipant"].add_response("get_transcript", response, request)


def sent(aws: StubbedAws, text: str, message_id: str) -> None:
    aws["connectparticipant"].add_response(
        "send_message",
        {"Id": message_id, "AbsoluteTime": "2026-03-10T01:00:00.000Z"},
        {"ContentType": "text/plain", "Content": text, "ConnectionToken": TOKEN},
    )


def attributes(aws: StubbedAws, values: dict[str, str]) -> None:
    aws["connect"].add_response(
        "get_contact_attributes",
        {"Attributes": values},
        {"InstanceId": INSTANCE_ID, "InitialContactId": CONTACT_ID},
    )


def cleaned_up(aws: StubbedAws, stop_error: str | None = None) -> None:
    aws["connectparticipant"].add_response("disconnect_participant", {}, {"ConnectionToken": TOKEN})
    stop = {"ContactId": CONTACT_ID, "InstanceId": INSTANCE_ID}
    if stop_error is None:
        aws["connect"].add_response("stop_contact", {}, stop)
    else:
        aws["connect"].add_client_error(
            "stop_contact",
            service_error_code=stop_error,
            service_message="contact ended",
            expected_params=stop,
        )


GREETING = [message("g1", 1, "SYSTEM", WELCOME), message("g2", 2, "SYSTEM", BOT_PROMPT)]
QUESTION = message("q1", 10, "CUSTOMER", EXPECT.faq_question)
ANSWER = [
    message("a1", 11, "SYSTEM", EXPECT.faq_answer),
    message("a2", 12, "SYSTEM", "더 궁금하신 점이 있으신가요?"),
]
REQUEST = message("r1", 20, "CUSTOMER", smoke.ROUTED_REQUEST)
REPLY = message("r2", 21, "SYSTEM", smoke.ROUTED_REPLY)


def test_a_chat_gets_the_greeting_an_faq_verbatim_and_is_routed(aws: StubbedAws) -> None:
    deployed(aws)
    chat_started(aws)
    transcript(aws, [GREETING[0]])  # the bot has not spoken yet
    transcript(aws, [GREETING[0]], [GREETING[1]])  # two pages
    sent(aws, EXPECT.faq_question, "q1")
    transcript(aws, [*GREETING, QUESTION])
    transcript(aws, [*GREETING, QUESTION], ANSWER)
    sent(aws, smoke.ROUTED_REQUEST, "r1")
    transcript(aws, [*GREETING, QUESTION, *ANSWER, REQUEST, REPLY])
    transcript(aws, [*GREETING, QUESTION, *ANSWER, REQUEST, REPLY])
    attributes(aws, {"customerTier": "STANDARD"})  # not routed yet
    transcript(aws, [*GREETING, QUESTION, *ANSWER, REQUEST, REPLY])
    attributes(aws, {"nextAction": "escalate", "queue": "tech_support", "reason": "tech_support"})
    cleaned_up(aws)

    status, out, err = run_smoke(aws)

    assert status == 0, err
    lines = out.splitlines()
    # The transcript, in Korea time (01:00 UTC is 10:00 KST), then the verdict.
    assert lines[0] == f"10:00:01 SYSTEM     {WELCOME}"
    assert lines[3] == f"10:00:11 SYSTEM     {EXPECT.faq_answer}"
    assert lines[5] == f"10:00:20 CUSTOMER   {smoke.ROUTED_REQUEST}"
    assert lines[-1] == (
        f"smoke dev: greeting, FAQ '{EXPECT.faq_id}' answered verbatim, "
        f"'{smoke.ROUTED_REQUEST}' routed to tech_support"
    )
    assert len(lines) == 8
    assert f"started chat contact {CONTACT_ID}" in err
    assert f"stopped chat contact {CONTACT_ID}" in err


def test_an_faq_answer_that_is_not_verbatim_fails_in_bounded_time_and_cleans_up(aws: StubbedAws) -> None:
    deployed(aws)
    chat_started(aws)
    transcript(aws, GREETING)
    sent(aws, EXPECT.faq_question, "q1")
    almost = message("a1", 11, "SYSTEM", EXPECT.faq_answer.replace("운영합니다", "운영해요"))
    # 0 s, 2 s … 10 s: six reads, then the deadline has passed.
    for _ in range(6):
        transcript(aws, [*GREETING, QUESTION, almost])
    # The customer's disconnect may already have ended the contact: that counts as stopped.
    cleaned_up(aws, stop_error="ContactNotFoundException")

    status, out, err = run_smoke(aws, "--timeout", "10")

    assert status == 1
    assert (
        err.splitlines()[-1] == f"smoke: timed out after 10 s waiting for the answer of FAQ '{EXPECT.faq_id}'"
    )
    assert f"stopped chat contact {CONTACT_ID}" in err
    assert "운영해요" in out  # the transcript is printed on failure too


def test_a_request_routed_to_the_wrong_queue_fails(aws: StubbedAws) -> None:
    deployed(aws)
    chat_started(aws)
    transcript(aws, GREETING)
    sent(aws, EXPECT.faq_question, "q1")
    transcript(aws, [*GREETING, QUESTION, *ANSWER])
    sent(aws, smoke.ROUTED_REQUEST, "r1")
    transcript(aws, [*GREETING, QUESTION, *ANSWER, REQUEST, REPLY])
    transcript(aws, [*GREETING, QUESTION, *ANSWER, REQUEST, REPLY])
    attributes(aws, {"queue": "general"})
    cleaned_up(aws)

    status, _, err = run_smoke(aws)

    assert status == 1
    assert err.splitlines()[-1] == "smoke: routed to queue 'general', expected 'tech_support'"


def test_a_chat_that_ends_early_fails_at_once(aws: StubbedAws) -> None:
    deployed(aws)
    chat_started(aws)
    ended = {
        "Id": "e1",
        "AbsoluteTime": "2026-03-10T01:00:03.000Z",
        "Type": "CHAT_ENDED",
        "ParticipantRole": "SYSTEM",
    }
    transcript(aws, [GREETING[0], ended])
    cleaned_up(aws)

    status, out, err = run_smoke(aws)

    assert status == 1
    assert err.splitlines()[-1] == "smoke: the chat ended before the greeting"
    assert out.splitlines()[-1] == "10:00:03 SYSTEM     (chat_ended)"


def test_interrupting_stops_the_chat_contact(aws: StubbedAws) -> None:
    deployed(aws)
    chat_started(aws)
    transcript(aws, [GREETING[0]])
    cleaned_up(aws)

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    status, _, err = run_smoke(aws, sleep=interrupted)

    assert status == 130
    assert f"stopped chat contact {CONTACT_ID}" in err
    assert err.splitlines()[-1] == "smoke: interrupted; what it had started was stopped (see above)"


def test_a_contact_that_cannot_be_stopped_fails_the_run(aws: StubbedAws) -> None:
    deployed(aws)
    chat_started(aws)
    aws["connectparticipant"].add_client_error(
        "get_transcript",
        service_error_code="AccessDeniedException",
        service_message="expired",
        http_status_code=403,
    )
    aws["connectparticipant"].add_client_error(
        "disconnect_participant", service_error_code="AccessDeniedException", service_message="expired"
    )
    aws["connect"].add_client_error(
        "stop_contact", service_error_code="ContactNotFoundException", service_message="no such contact"
    )

    status, _, err = run_smoke(aws)

    assert status == 1
    assert f"could not stop chat contact {CONTACT_ID}: ContactNotFoundException: no such contact" in err
    assert err.splitlines()[-1] == "smoke: AWS refused GetTranscript: AccessDeniedException: expired"


def test_throttled_reads_are_polled_again(aws: StubbedAws) -> None:
    deployed(aws)
    chat_started(aws)
    aws["connectparticipant"].add_client_error(
        "get_transcript",
        service_error_code="ThrottlingException",
        service_message="slow down",
        http_status_code=429,
    )
    transcript(aws, GREETING)
    sent(aws, EXPECT.faq_question, "q1")
    transcript(aws, [*GREETING, QUESTION, *ANSWER])
    sent(aws, smoke.ROUTED_REQUEST, "r1")
    transcript(aws, [*GREETING, QUESTION, *ANSWER, REQUEST, REPLY])
    transcript(aws, [*GREETING, QUESTION, *ANSWER, REQUEST, REPLY])
    aws["connect"].add_client_error(
        "get_contact_attributes", service_error_code="ThrottlingException", service_message="slow down"
    )
    transcript(aws, [*GREETING, QUESTION, *ANSWER, REQUEST, REPLY])
    attributes(aws, {"queue": "tech_support"})
    cleaned_up(aws)

    status, _, err = run_smoke(aws)

    assert status == 0, err


def test_a_chat_that_cannot_start_leaves_nothing_to_clean_up(aws: StubbedAws) -> None:
    deployed(aws)
    aws["connect"].add_client_error(
        "start_chat_contact", service_error_code="LimitExceededException", service_message="too many chats"
    )

    status, out, err = run_smoke(aws)

    assert (status, out) == (1, "")
    assert err.splitlines() == ["smoke: AWS refused StartChatContact: LimitExceededException: too many chats"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--env", "qa"], "smoke: unknown environment 'qa'; known environments: dev, prod, staging"),
        (["--env", "dev", "--faq", "nope"], "smoke: unknown FAQ id 'nope'; known ids: "),
        (["--env", "dev", "--timeout", "-1"], "smoke: --timeout and --poll-seconds must be positive"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(argv: list[str], message: str) -> None:
    def no_aws(config: Any, service: str) -> Any:
        raise AssertionError("no AWS call on bad input")

    out, err = io.StringIO(), io.StringIO()
    assert smoke.main(argv, clients=no_aws, stdout=out, stderr=err) == 2
    lines = err.getvalue().splitlines()
    assert out.getvalue() == ""
    assert len(lines) == 1
    assert lines[0].startswith(message)


def test_without_credentials_it_says_so_on_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    out, err = io.StringIO(), io.StringIO()

    assert smoke.main(["--env", "dev"], stdout=out, stderr=err) == 2

    assert err.getvalue().splitlines() == [
        "smoke: no AWS credentials found: set AWS_PROFILE or sign in (aws sso login) and try again"
    ]


# --- what the chat expects is what the repository deploys ---------------------------------------------


def test_the_greeting_is_the_inbound_flows_text_up_to_the_bot() -> None:
    assert EXPECT.greeting == ("안녕하세요! 고객센터에 연락해 주셔서 감사합니다.", "무엇을 도와드릴까요?")


def test_the_greeting_skips_dynamic_text_and_needs_a_path_to_the_bot(tmp_path: Path) -> None:
    def say(identifier: str, text: str, next_action: str) -> dict[str, Any]:
        parameters = {"Text": text}
        return {"Identifier": identifier, "Type": "MessageParticipant", "Parameters": parameters,
                "Transitions": {"NextAction": next_action}}  # fmt: skip

    flow = {
        "StartAction": "a",
        "Actions": [say("a", "고객님, $.Attributes.name", "b"), say("b", "반갑습니다.", "a")],
    }
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(flow, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="no path from StartAction to the bot"):
        smoke.greeting_messages(path)
    flow["Actions"][1]["Transitions"] = {"NextAction": "c"}
    flow["Actions"].append(
        {"Identifier": "c", "Type": "ConnectParticipantWithLexBot", "Parameters": {"Text": "네?"}}
    )
    path.write_text(json.dumps(flow, ensure_ascii=False), encoding="utf-8")
    assert smoke.greeting_messages(path) == ("반갑습니다.", "네?")


def test_the_faq_asked_is_one_the_bot_answers_with_its_own_entry() -> None:
    entries = load_faq_entries()
    assert (EXPECT.faq_id, EXPECT.faq_answer) == (entries[0].faq_id, entries[0].answer)
    match = FaqMatcher(entries).match(EXPECT.faq_question)
    assert match is not None
    assert match.faq_id == EXPECT.faq_id
    chosen = smoke.expectations(entries[-1].faq_id)
    assert (chosen.faq_question, chosen.faq_answer) == (entries[-1].question, entries[-1].answer)


def test_the_routed_request_is_a_scripted_call_that_reaches_the_same_queue() -> None:
    calls = [
        call for call in SCRIPTED_CALLS if call.says == (smoke.ROUTED_REQUEST,) and call.channel == "VOICE"
    ]
    assert calls
    assert {call.queue for call in calls} == {Queue.TECH_SUPPORT.value}
    assert any(smoke.ROUTED_REPLY.startswith(prompt) for call in calls for prompt in call.prompts)
