"""The simulated chat contacts behind the local chat server: one flow thread per chat.

A :class:`ChatEngine` holds what every chat shares — the environment's config, the parsed flows,
the moto tables and the Lambda process environment, entered once — and the *engine lock*. A
:class:`ChatContact` is one chat: its participant and connection tokens, its transcript, the
websocket subscribers to push items to, and the thread that runs the real inbound flow with
:meth:`simulator.call.CallEnvironment.run`.

The flow pulls input: when it needs the customer's next message, :class:`_ChatCaller` releases the
engine lock and blocks on the contact's queue (fed by the participant ``message`` endpoint) until
a message comes, the customer leaves (silence from then on) or :attr:`ChatEngine.idle_seconds`
pass (silence: the flow's own no-input handling ends the chat, as an unanswered chat does). Every
prompt played is pushed as a bot message the moment it is played. When the inbound flow ends
without a transfer, the chat ends (``chat.ended``); after a transfer it stays open, the customer
waiting for an agent (none answers locally).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from simulator.chat_server import protocol
from simulator.connect import SimulatedConnect
from simulator.world import CallSettings

if TYPE_CHECKING:
    from simulator.call import CallEnvironment

LOGGER = logging.getLogger(__name__)

#: How long a flow waits for the customer's next message before it hears silence.
DEFAULT_IDLE_SECONDS: Final = 300.0
#: What the customer reads when the simulation itself fails (never a Python error).
SIMULATION_FAILED_MESSAGE: Final = (
    "죄송합니다. 일시적인 문제로 상담을 이어갈 수 없습니다. 잠시 후 다시 시작해 주세요."
)
#: Seconds between the simulated start times of two chats when the server runs at a fixed ``--at``
#: (every chat gets its own contact id, derived from its start time).
FIXED_TIME_STEP: Final = timedelta(seconds=1)
#: How long closing the server waits for each flow thread to finish.
JOIN_SECONDS: Final = 5.0

Subscriber = Callable[[str], None]


def korea_now() -> datetime:
    """Now in Korea time (the default simulated time of a new chat)."""
    from bot.models import KST

    return datetime.now(KST)


class ChatEngine:
    """The chats of one server and what they share (use :meth:`running`)."""

    def __init__(
        self,
        *,
        env: str,
        at: datetime | None,
        calls: CallEnvironment,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        clock: Callable[[], datetime] = korea_now,
    ) -> None:
        self.env = env
        self.at = at
        #: The config, flows and tables every chat's call runs with (``simulator.call``).
        self.calls = calls
        self.config = calls.config
        self.idle_seconds = idle_seconds
        self._clock = clock
        #: Held by a flow thread while it runs simulator code; released while it waits for input.
        self.lock = threading.Lock()
        self._started = 0
        self._by_participant_token: dict[str, ChatContact] = {}
        self._by_connection_token: dict[str, ChatContact] = {}
        self._by_websocket_id: dict[str, ChatContact] = {}

    @classmethod
    @contextlib.contextmanager
    def running(
        cls,
        env: str,
        at: datetime | None,
        *,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        verbose: bool = False,
    ) -> Iterator[ChatEngine]:
        """The engine of ``env`` with its tables and process environment; every chat ends on exit."""
        from simulator.call import call_environment

        with call_environment(env, verbose=verbose) as calls:
            engine = cls(env=env, at=at, calls=calls, idle_seconds=idle_seconds)
            try:
                engine.warm_up()
                yield engine
            finally:
                engine.close()

    def warm_up(self) -> None:
        """One silent chat, thrown away: the first real chat then finds every module imported and
        every lazy cache (bot definition, matcher, handlers) filled, so its greeting comes at once."""
        from simulator.fakes import ScriptedCaller

        # A minute before the first chat: its own contact id, nothing shared with a real chat.
        at = (self.at or self._clock()) - timedelta(minutes=1)
        contact = ChatContact(self, at=at, display_name="warm-up", attributes={})
        contact.run_flow(ScriptedCaller([]))

    # --- chats -----------------------------------------------------------------------------------

    def start_chat(self, display_name: str, attributes: dict[str, str]) -> ChatContact:
        """A new chat (its flow starts when the customer's websocket subscribes)."""
        at = self.at + FIXED_TIME_STEP * self._started if self.at is not None else self._clock()
        self._started += 1
        contact = ChatContact(self, at=at, display_name=display_name, attributes=attributes)
        self._by_participant_token[contact.participant_token] = contact
        return contact

    def by_participant_token(self, token: str | None) -> ChatContact | None:
        return self._by_participant_token.get(token or "")

    def by_connection_token(self, token: str | None) -> ChatContact | None:
        return self._by_connection_token.get(token or "")

    def by_websocket_id(self, websocket_id: str) -> ChatContact | None:
        return self._by_websocket_id.get(websocket_id)

    def register_connection(self, contact: ChatContact, connection_token: str, websocket_id: str) -> None:
        self._by_connection_token[connection_token] = contact
        self._by_websocket_id[websocket_id] = contact

    def close(self) -> None:
        """End every chat and wait (bounded) for the flow threads."""
        contacts = list(self._by_participant_token.values())
        for contact in contacts:
            contact.disconnect()
        for contact in contacts:
            contact.join(JOIN_SECONDS)


class ChatContact:
    """One chat: tokens, transcript, websocket subscribers and the flow thread."""

    def __init__(
        self, engine: ChatEngine, *, at: datetime, display_name: str, attributes: dict[str, str]
    ) -> None:
        self._engine = engine
        self.settings = CallSettings(at=at, env=engine.env, channel="CHAT")
        self.contact_id = self.settings.contact_id
        self.participant_id = str(uuid.uuid4())
        self.participant_token = secrets.token_urlsafe(32)
        self.display_name = display_name
        #: The contact attributes the start-chat API would set (kept; not given to the simulated contact).
        self.attributes = dict(attributes)
        self._started_monotonic = time.monotonic()
        self._lock = threading.Lock()
        self._items: list[dict[str, Any]] = []
        self._subscribers: dict[int, Subscriber] = {}
        self._next_subscriber = 0
        self._inputs: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._customer_left = False
        self.ended = False
        self.outcome: str | None = None

    # --- time and items --------------------------------------------------------------------------

    def now(self) -> datetime:
        """The simulated time: the chat's start time plus the real time elapsed since."""
        return self.settings.at + timedelta(seconds=time.monotonic() - self._started_monotonic)

    def _emit(
        self,
        *,
        item_type: str,
        content_type: str,
        participant_id: str,
        display_name: str,
        role: str,
        content: str | None = None,
    ) -> dict[str, Any]:
        payload = protocol.item(
            item_id=str(uuid.uuid4()),
            at=self.now(),
            contact_id=self.contact_id,
            item_type=item_type,
            content_type=content_type,
            participant_id=participant_id,
            display_name=display_name,
            role=role,
            content=content,
        )
        frame = protocol.chat_frame(payload)
        with self._lock:
            self._items.append(payload)
            subscribers = list(self._subscribers.values())
        for subscriber in subscribers:
            subscriber(frame)
        return payload

    def _bot_message(self, text: str) -> None:
        self._emit(
            item_type=protocol.MESSAGE,
            content_type=protocol.TEXT_PLAIN,
            participant_id=protocol.BOT_PARTICIPANT_ID,
            display_name=protocol.BOT_DISPLAY_NAME,
            role=protocol.SYSTEM,
            content=text,
        )

    def _customer_event(self, content_type: str) -> dict[str, Any]:
        return self._emit(
            item_type=protocol.EVENT,
            content_type=content_type,
            participant_id=self.participant_id,
            display_name=self.display_name,
            role=protocol.CUSTOMER,
        )

    def _end(self) -> None:
        with self._lock:
            if self.ended:
                return
            self.ended = True
        self._emit(
            item_type=protocol.EVENT,
            content_type=protocol.CHAT_ENDED,
            participant_id=protocol.BOT_PARTICIPANT_ID,
            display_name=protocol.BOT_DISPLAY_NAME,
            role=protocol.SYSTEM,
        )

    def transcript(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._items)

    # --- subscribers -----------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Push every item from now on to ``subscriber`` (a frame string); returns the unsubscribe."""
        with self._lock:
            key = self._next_subscriber
            self._next_subscriber += 1
            self._subscribers[key] = subscriber

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers.pop(key, None)

        return unsubscribe

    # --- the customer ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the flow (once): the customer joins and the inbound flow runs."""
        with self._lock:
            if self._thread is not None or self.ended:
                return
            self._thread = threading.Thread(target=self._run, name=f"chat-{self.contact_id}", daemon=True)
        self._customer_event(protocol.PARTICIPANT_JOINED)
        self._thread.start()

    def send_message(self, text: str) -> dict[str, Any]:
        """The customer's message: shown to everyone (the customer too) and heard by the flow."""
        payload = self._emit(
            item_type=protocol.MESSAGE,
            content_type=protocol.TEXT_PLAIN,
            participant_id=self.participant_id,
            display_name=self.display_name,
            role=protocol.CUSTOMER,
            content=text,
        )
        if not self.ended:
            self._inputs.put(text)
        return payload

    def send_event(self, content_type: str) -> dict[str, Any]:
        """A customer event (typing, receipts): acknowledged, neither kept nor pushed (no agent or
        other participant is there to see it, and the sender is not shown their own typing)."""
        return protocol.item(
            item_id=str(uuid.uuid4()),
            at=self.now(),
            contact_id=self.contact_id,
            item_type=protocol.EVENT,
            content_type=content_type,
            participant_id=self.participant_id,
            display_name=self.display_name,
            role=protocol.CUSTOMER,
        )

    def disconnect(self) -> None:
        """The customer leaves: the flow hears silence from now on and the chat ends."""
        with self._lock:
            already = self._customer_left or self.ended
            self._customer_left = True
        self._inputs.put(None)
        if not already:
            self._customer_event(protocol.PARTICIPANT_LEFT)
        self._end()

    def join(self, seconds: float) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(seconds)

    @property
    def customer_left(self) -> bool:
        return self._customer_left

    def next_input(self) -> str | None:
        """Block (engine lock released) until the customer's next message; None is silence."""
        if self._customer_left:
            return None
        self._engine.lock.release()
        try:
            return self._inputs.get(timeout=self._engine.idle_seconds)
        except queue.Empty:
            return None
        finally:
            self._engine.lock.acquire()

    # --- the flow thread -------------------------------------------------------------------------

    def _run(self) -> None:
        self.run_flow(_ChatCaller(self))

    def run_flow(self, caller: Any) -> None:
        """Run the inbound flow to its end with ``caller`` (the flow thread's body)."""
        from simulator.call import Outcome

        created: list[SimulatedConnect] = []

        def services_factory(**kwargs: Any) -> SimulatedConnect:
            services = SimulatedConnect(**kwargs)
            created.append(services)
            return services

        def on_prompt(text: str) -> None:
            # The released callback is a new outbound voice contact: its prompts are not the chat's.
            if created and created[0].callbacks.releasing:
                return
            self._bot_message(text)

        engine = self._engine
        try:
            with engine.lock:
                result = engine.calls.run(
                    self.settings, caller, on_prompt=on_prompt, services_factory=services_factory
                )
            self.outcome = result.outcome.value
            if result.outcome is not Outcome.TRANSFERRED:
                self._end()
        except Exception:
            LOGGER.exception("chat %s: the simulation failed", self.contact_id)
            self.outcome = "failed"
            self._bot_message(SIMULATION_FAILED_MESSAGE)
            self._end()


class _ChatCaller:
    """The caller the flow and the Lex simulation pull input from (``simulator.fakes`` protocol)."""

    def __init__(self, contact: ChatContact) -> None:
        self._contact = contact

    def next_input(self, keypad: bool = False) -> str | None:
        return self._contact.next_input()
