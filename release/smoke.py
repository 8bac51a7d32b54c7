"""``python -m release.smoke --env dev``: one real chat with the deployed contact center.

Test cases (``release.verify``) exercise the flows from inside Connect; this command is a customer
on the public chat APIs, what a chat widget does: ``StartChatContact`` on the inbound flow, a
participant connection (``connectparticipant``), messages, the transcript (every page), then
disconnect. It checks, in order:

1. the greeting: the inbound flow's messages before the bot and the bot's first prompt, word for
   word as ``contact_flows/inbound.json`` has them;
2. an FAQ (the first of ``lambda_src/bot/data/faq.json`` unless ``--faq ID``): its question in Korean
   gets its answer verbatim;
3. a request routed to a queue ("앱이 자꾸 꺼져요" → ``tech_support``, the scripted call of
   ``scenarios/calls.py``): the bot's hand-over sentence, and the contact's ``queue`` attribute
   (``GetContactAttributes``) that the flow routes on, whatever the hours are.

It prints the transcript (Korea time) and exits 1 on the first check that fails. Everything is
bounded by ``--timeout`` seconds, and the chat contact is stopped on every exit (``StopContact``,
after the customer disconnects), so no chat waits for an agent after the command is gone.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final, TextIO

from botocore.exceptions import ClientError

import lambda_asset
from bot import messages
from bot.faq import load_faq_entries
from bot.models import KST
from contract import ContactAttribute, Queue
from release.deployed import (
    EXIT_FAILED,
    EXIT_OK,
    CheckFailed,
    ClientFactory,
    Deployment,
    OneLineParser,
    UsageError,
    aws_clients,
    deployed_command_parser,
    describe_error,
    error_code,
    is_throttled,
    load_config,
    read_deployment,
    require_positive_times,
    run,
)

COMMAND: Final = "smoke"
INBOUND_FLOW: Final = Path(lambda_asset.ASSET_ROOT).parent / "contact_flows" / "inbound.json"
#: A request the bot routes to a queue (the scripted call "an app error goes to technical support").
ROUTED_REQUEST: Final = "앱이 자꾸 꺼져요"
ROUTED_QUEUE: Final = Queue.TECH_SUPPORT
ROUTED_REPLY: Final = messages.ESCALATE_TECH_SUPPORT
DISPLAY_NAME: Final = "스모크 테스트"
DEFAULT_TIMEOUT_SECONDS: Final = 120.0
DEFAULT_POLL_SECONDS: Final = 2.0
#: ``GetTranscript`` returns at most 100 items a page.
_PAGE_SIZE: Final = 100
#: StopContact after the customer's disconnect ended the chat (documented for voice; accepted here).
_ALREADY_ENDED: Final = frozenset({"ContactNotFoundException"})


@dataclass(frozen=True)
class Expectations:
    greeting: tuple[str, ...]
    faq_id: str
    faq_question: str
    faq_answer: str
    routed_request: str = ROUTED_REQUEST
    routed_queue: str = ROUTED_QUEUE.value
    routed_reply: str = ROUTED_REPLY


def greeting_messages(flow_path: Path = INBOUND_FLOW) -> tuple[str, ...]:
    """What a chat customer reads before typing: the flow's messages up to the bot and its prompt.

    Follows each action's ``NextAction`` from ``StartAction`` (the path without errors) and keeps
    the static texts of ``MessageParticipant`` and ``ConnectParticipantWithLexBot``.
    """
    document = json.loads(flow_path.read_text(encoding="utf-8"))
    actions = {action["Identifier"]: action for action in document["Actions"]}
    texts: list[str] = []
    identifier: str | None = document["StartAction"]
    seen: set[str] = set()
    while identifier is not None and identifier not in seen:
        seen.add(identifier)
        action = actions[identifier]
        text = action.get("Parameters", {}).get("Text")
        if (
            action["Type"] in ("MessageParticipant", "ConnectParticipantWithLexBot")
            and text
            and "$." not in text
        ):
            texts.append(text)
        if action["Type"] == "ConnectParticipantWithLexBot":
            return tuple(texts)
        identifier = action.get("Transitions", {}).get("NextAction")
    raise ValueError(f"{flow_path.name}: no path from StartAction to the bot")


def expectations(faq_id: str | None = None) -> Expectations:
    entries = load_faq_entries()
    if faq_id is None:
        entry = entries[0]
    else:
        matching = [entry for entry in entries if entry.faq_id == faq_id]
        if not matching:
            known = ", ".join(entry.faq_id for entry in entries)
            raise UsageError(f"unknown FAQ id '{faq_id}'; known ids: {known}")
        entry = matching[0]
    return Expectations(
        greeting=greeting_messages(),
        faq_id=entry.faq_id,
        faq_question=entry.question,
        faq_answer=entry.answer,
    )


@dataclass(frozen=True)
class Item:
    """One transcript item, as ``GetTranscript`` returns it."""

    item_id: str
    time: str
    kind: str
    role: str
    content: str

    @property
    def from_contact_center(self) -> bool:
        return self.kind == "MESSAGE" and self.role not in ("CUSTOMER", "")

    def line(self) -> str:
        try:
            moment = datetime.fromisoformat(self.time).astimezone(KST).strftime("%H:%M:%S")
        except ValueError:
            moment = self.time
        text = " ".join(self.content.split()) if self.kind == "MESSAGE" else f"({self.kind.lower()})"
        return f"{moment} {self.role or '-':<10} {text}"


class ChatSmoke:
    """One chat: start, connect, converse, check; on every exit disconnect and stop the contact."""

    def __init__(
        self,
        connect: Any,
        participant: Any,
        deployment: Deployment,
        expect: Expectations,
        *,
        timeout: float,
        poll_seconds: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        stderr: TextIO,
    ) -> None:
        self._connect = connect
        self._participant = participant
        self._instance_id = deployment.instance_id
        self._flow_id = deployment.output("bot", "InboundFlowArn").rsplit("/", 1)[-1]
        self._expect = expect
        self._timeout = timeout
        self._poll_seconds = poll_seconds
        self._clock = clock
        self._sleep = sleep
        self._stderr = stderr
        self._deadline = 0.0
        self.contact_id: str | None = None
        self._connection_token: str | None = None
        self.transcript: list[Item] = []
        self.cleaned_up = True

    def run(self) -> None:
        self._deadline = self._clock() + self._timeout
        try:
            self._start()
            self._wait("the greeting", lambda: self._in_order(self._expect.greeting, after=None))
            question = self._send(self._expect.faq_question)
            self._wait(
                f"the answer of FAQ '{self._expect.faq_id}'",
                lambda: self._in_order((self._expect.faq_answer,), after=question),
            )
            request = self._send(self._expect.routed_request)
            self._wait("the hand-over", lambda: self._in_order((self._expect.routed_reply,), after=request))
            self._wait(f"the routing to {self._expect.routed_queue}", self._routed)
        finally:
            self._clean_up()

    # --- the chat ---------------------------------------------------------------------------------

    def _start(self) -> None:
        started = self._connect.start_chat_contact(
            InstanceId=self._instance_id,
            ContactFlowId=self._flow_id,
            ParticipantDetails={"DisplayName": DISPLAY_NAME},
            SupportedMessagingContentTypes=["text/plain"],
            ClientToken=str(uuid.uuid4()),
        )
        self.contact_id = started["ContactId"]
        self.cleaned_up = False
        print(f"started chat contact {self.contact_id}", file=self._stderr)
        connection = self._participant.create_participant_connection(
            Type=["CONNECTION_CREDENTIALS"],
            ParticipantToken=started["ParticipantToken"],
            ConnectParticipant=True,
        )
        self._connection_token = connection["ConnectionCredentials"]["ConnectionToken"]

    def _send(self, text: str) -> str:
        sent = self._participant.send_message(
            ContentType="text/plain", Content=text, ConnectionToken=self._connection_token
        )
        return str(sent["Id"])

    def _read_transcript(self) -> None:
        """Every page of the transcript, oldest first (``NextToken`` until there is none)."""
        items: dict[str, Item] = {}
        request: dict[str, Any] = {
            "ConnectionToken": self._connection_token,
            "MaxResults": _PAGE_SIZE,
            "SortOrder": "ASCENDING",
        }
        while True:
            page = self._participant.get_transcript(**request)
            for raw in page.get("Transcript", []):
                item = Item(
                    item_id=raw.get("Id", ""),
                    time=raw.get("AbsoluteTime", ""),
                    kind=raw.get("Type", ""),
                    role=raw.get("ParticipantRole", ""),
                    content=raw.get("Content", ""),
                )
                items[item.item_id] = item
            if not page.get("NextToken"):
                break
            request["NextToken"] = page["NextToken"]
        self.transcript = sorted(items.values(), key=lambda item: (item.time, item.item_id))

    # --- checks -----------------------------------------------------------------------------------

    def _wait(self, what: str, done: Callable[[], bool]) -> None:
        """Poll until ``done`` holds; the chat ending first or the deadline passing fails the check."""
        while True:
            try:
                self._read_transcript()
            except ClientError as error:
                if not is_throttled(error):
                    raise
            if done():
                return
            if any(item.kind == "CHAT_ENDED" for item in self.transcript):
                raise CheckFailed(f"the chat ended before {what}")
            if self._clock() >= self._deadline:
                raise CheckFailed(f"timed out after {self._timeout:.0f} s waiting for {what}")
            self._sleep(self._poll_seconds)

    def _in_order(self, texts: Sequence[str], *, after: str | None) -> bool:
        """The contact center wrote ``texts`` word for word, in order, after message ``after``."""
        position = 0
        if after is not None:
            ids = [item.item_id for item in self.transcript]
            if after not in ids:
                return False
            position = ids.index(after) + 1
        wanted = list(texts)
        for item in self.transcript[position:]:
            if wanted and item.from_contact_center and item.content.strip() == wanted[0]:
                wanted.pop(0)
        return not wanted

    def _routed(self) -> bool:
        try:
            attributes = self._connect.get_contact_attributes(
                InstanceId=self._instance_id, InitialContactId=self.contact_id
            ).get("Attributes", {})
        except ClientError as error:
            if not is_throttled(error):
                raise
            return False
        queue = attributes.get(ContactAttribute.QUEUE)
        if queue is None:
            return False
        if queue != self._expect.routed_queue:
            raise CheckFailed(f"routed to queue '{queue}', expected '{self._expect.routed_queue}'")
        return True

    # --- clean-up ---------------------------------------------------------------------------------

    def _clean_up(self) -> None:
        """The customer leaves, then the contact is stopped; a failure to stop is said, not raised."""
        if self.contact_id is None:
            return
        disconnected = False
        if self._connection_token is not None:
            try:
                self._participant.disconnect_participant(ConnectionToken=self._connection_token)
                disconnected = True
            except ClientError as error:
                print(f"could not disconnect from the chat: {describe_error(error)}", file=self._stderr)
        try:
            self._connect.stop_contact(ContactId=self.contact_id, InstanceId=self._instance_id)
        except ClientError as error:
            if not (disconnected and error_code(error) in _ALREADY_ENDED):
                print(
                    f"could not stop chat contact {self.contact_id}: {describe_error(error)}",
                    file=self._stderr,
                )
                return
        self.cleaned_up = True
        print(f"stopped chat contact {self.contact_id}", file=self._stderr)


def _parser() -> OneLineParser:
    parser = deployed_command_parser(
        "python -m release.smoke",
        "One real chat with a deployed environment: greeting, an FAQ, routing.",
        timeout_seconds=DEFAULT_TIMEOUT_SECONDS,
        timeout_help="give up (and stop the chat) after this many seconds",
        poll_seconds=DEFAULT_POLL_SECONDS,
    )
    parser.add_argument("--faq", metavar="ID", help="the FAQ to ask (default: the first of faq.json)")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    clients: ClientFactory = aws_clients,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr

    def body() -> int:
        args = _parser().parse_args(argv)
        require_positive_times(args)
        config = load_config(args.env)
        expect = expectations(args.faq)
        deployment = read_deployment(config, clients(config, "cloudformation"), ("connect", "bot"))
        smoke = ChatSmoke(
            clients(config, "connect"),
            clients(config, "connectparticipant"),
            deployment,
            expect,
            timeout=args.timeout,
            poll_seconds=args.poll_seconds,
            clock=clock,
            sleep=sleep,
            stderr=err,
        )
        try:
            smoke.run()
        finally:
            for item in smoke.transcript:
                print(item.line(), file=out)
        if not smoke.cleaned_up:
            return EXIT_FAILED
        print(
            f"{COMMAND} {config.name}: greeting, FAQ '{expect.faq_id}' answered verbatim, "
            f"'{expect.routed_request}' routed to {expect.routed_queue}",
            file=out,
        )
        return EXIT_OK

    return run(COMMAND, body, stderr=err)


if __name__ == "__main__":
    sys.exit(main())
