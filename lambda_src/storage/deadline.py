"""Deadlines for AWS calls: every call derives its timeouts and attempts from the time left.

Connect abandons a Lambda after the flow's ``InvocationTimeLimitSeconds`` (8 s at most) and Lex
waits for the code hook no longer than its timeout. A function that is still waiting for a stalled
table when its own time runs out answers nothing: the caller hears the generic error. So no AWS
call may take longer than the invocation can afford, and that amount shrinks as the invocation
goes on. This module is how the functions keep to it.

**One deadline per invocation.** The handler opens :func:`deadline_scope` with a
:class:`Deadline` read from the Lambda context (:meth:`Deadline.from_context`): the time the
context says is left, minus a margin for answering (serialising the response, flushing metrics,
Lambda's own overhead), optionally capped by a budget of its own (the contact-flow function must
answer well inside the flow's limit, which is shorter than its Lambda timeout). The deadline
asks the context again every time (``get_remaining_time_in_millis``), so time spent anywhere —
imports on a cold start, Bedrock, an earlier storage call — counts, and the simulator can run the
clock virtually. A step that deserves less than everything left (the FAQ read on a cold start, the
conversation-log write) narrows it for its duration (:func:`narrowed_deadline`). The active deadline
is a context variable: nothing is threaded through the ports, and code that runs outside any
invocation (deploy-time loaders, the simulator's seeding, tests) gets :data:`UNBOUNDED_PLAN`, the
settings the storage client always had.

**Timeouts and attempts come from the time left** (:func:`plan_for`). botocore bounds one attempt
by its ``connect_timeout`` + ``read_timeout`` and a call by ``total_max_attempts`` of them plus the
backoff between them. A call planned with ``b`` seconds left gets:

=========================  =====================================================================
time left ``b``            plan
=========================  =====================================================================
``b >= 2.9 s``             3 standard attempts (connect 0.3 s + read 0.6 s), 0.1 s for each backoff
``1.9 s <= b < 2.9 s``     2 standard attempts
``0.9 s <= b < 1.9 s``     1 standard attempt
``0.5 s <= b < 0.9 s``     1 short attempt (0.2 s + 0.3 s)
``0.3 s <= b < 0.5 s``     1 quick attempt (0.1 s + 0.2 s)
``b < 0.3 s``              no call: :class:`DeadlineExceeded` at once, nothing is sent
=========================  =====================================================================

DynamoDB answers in milliseconds; 0.6 s of read timeout is a stalled connection, and a fresh
attempt on a new connection is the better bet than waiting longer on the same one.

**Clients: one per plan, built once.** botocore fixes a client's timeouts and retry settings when
the client is created (``client.meta.config`` cannot be changed per call), and building a client
costs about 2 ms once boto3's loaders are warm (the container's first client about 45 ms) plus a
new connection. :class:`DeadlineClients` therefore keeps one client per plan — at most five, each
built on first need and reused by every later invocation of the container, with its connections —
and hands out the one the active deadline allows. A healthy invocation uses the three-attempt
client only (``benchmarks/bench_deadlines.py`` measures all of this).

**Retries are botocore's own** (standard mode: which errors are retried, the backoff, the retry
quota), with one guard in front (:class:`_RetryGuard`, registered first on the client's
``needs-retry`` event): when standard mode would retry, the longest backoff it could choose
(botocore's own ``ExponentialBackoff`` with its random factor at 1, so throttling backoff and
``x-amz-retry-after`` are included, whatever botocore version Lambda ships) plus one more attempt
must fit in the time left, or the call ends there with :class:`DeadlineExceeded` (raised from the
handler: returning ``False`` vetoes a retry only on recent botocore versions). No thread and no
signal is involved: when the handler answers, nothing of the call is still running.

**What it guarantees.** Every call starts only when its plan fits in the time left, and every
retry only when its backoff and attempt do, so an invocation's AWS calls end by its deadline
whatever the tables do. A TCP connect or TLS handshake that never completes ends at the connect
timeout, a request never answered at the read timeout (``benchmarks/bench_deadlines.py`` measures
both against a local socket that never answers: the contact-flow function answers in 2.0 s, the
Lex hook in 3.7 s, 5.2-5.4 s with Bedrock stalled too). **Not covered** by botocore's timeouts: DNS
resolution (Lambda's resolver answers in milliseconds), credentials (environment variables in
Lambda) and a response trickling in slower than one read per read timeout (DynamoDB answers in one
small piece).

**Retried writes.** A write whose response was lost may have been stored; its retry finds it.
Every write of :mod:`storage.dynamodb` is a conditional put per contact or turn that treats
"already there" as success, so a retry neither loses nor duplicates anything.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final


class DeadlineExceeded(Exception):
    """An AWS call was not made, or not retried, because the invocation's deadline could not hold it."""


@dataclass(frozen=True, slots=True)
class CallPlan:
    """Timeouts and attempts of one AWS call (a botocore client's ``Config``)."""

    connect_timeout: float
    read_timeout: float
    max_attempts: int

    @property
    def attempt_seconds(self) -> float:
        """Longest time one attempt can take: the connect and the read timeout."""
        return self.connect_timeout + self.read_timeout

    @property
    def worst_case_seconds(self) -> float:
        """Longest time the call can take: every attempt plus the backoff the plan allows for."""
        return self.max_attempts * self.attempt_seconds + (self.max_attempts - 1) * RETRY_GAP_SECONDS

    def config(self) -> Any:
        """The botocore ``Config`` of a client that keeps to this plan (standard retry mode)."""
        from botocore.config import Config

        return Config(
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            retries={"total_max_attempts": self.max_attempts, "mode": "standard"},
        )


#: One standard attempt; then shorter single attempts for when a standard one no longer fits.
STANDARD_ATTEMPT: Final = (0.3, 0.6)
SHORT_ATTEMPT: Final = (0.2, 0.3)
QUICK_ATTEMPT: Final = (0.1, 0.2)
#: Most attempts of one call (botocore's standard mode default is 3 too).
MAX_ATTEMPTS: Final = 3
#: Time the plan keeps for each backoff between attempts. botocore's standard mode waits at most
#: 25 ms, then 50 ms, after a DynamoDB error that is not throttling; longer waits (throttling,
#: older botocore versions) are for the retry guard to allow or refuse.
RETRY_GAP_SECONDS: Final = 0.1
#: Below this nothing is worth sending: the call could not even get its quick attempt.
MIN_CALL_SECONDS: Final = round(sum(QUICK_ATTEMPT), 6)
#: Where no deadline is active (deploy-time code, the simulator's seeding, tests): what the storage
#: client always used, two attempts of 1 s connect + 2 s read.
UNBOUNDED_PLAN: Final = CallPlan(connect_timeout=1.0, read_timeout=2.0, max_attempts=2)

# A hair of tolerance so a budget of exactly 2.9 s still gets three attempts despite float sums.
_EPSILON: Final = 1e-9


def plan_for(budget_seconds: float) -> CallPlan | None:
    """The call plan for ``budget_seconds`` left (the table of the module docstring); None: no call."""
    if not math.isfinite(budget_seconds) or budget_seconds < MIN_CALL_SECONDS - _EPSILON:
        return None
    connect, read = STANDARD_ATTEMPT
    attempt = connect + read
    # n attempts need n attempts' timeouts and n - 1 backoffs.
    fitting = math.floor((budget_seconds + RETRY_GAP_SECONDS + _EPSILON) / (attempt + RETRY_GAP_SECONDS))
    attempts = min(MAX_ATTEMPTS, fitting)
    if attempts >= 1:
        return CallPlan(connect_timeout=connect, read_timeout=read, max_attempts=attempts)
    for connect, read in (SHORT_ATTEMPT, QUICK_ATTEMPT):
        if budget_seconds + _EPSILON >= connect + read:
            return CallPlan(connect_timeout=connect, read_timeout=read, max_attempts=1)
    return None  # pragma: no cover - MIN_CALL_SECONDS is the quick attempt


# --- the deadline -----------------------------------------------------------------------------------

RemainingSource = Callable[[], float]


class Deadline:
    """Time left for AWS calls in one invocation, read from a source of remaining seconds.

    ``remaining`` says how many seconds are left (for a Lambda, the context's remaining time minus
    the margin for answering); ``budget`` caps the time from now on. Both are read again on every
    question, so whatever happens in between counts.
    """

    def __init__(self, remaining: RemainingSource, *, budget: float | None = None) -> None:
        self._source = remaining
        self._start = _finite_or_zero(remaining())
        self._budget = self._start if budget is None else min(self._start, max(0.0, budget))

    @classmethod
    def from_context(
        cls,
        context: Any,
        *,
        margin_seconds: float,
        default_seconds: float,
        budget_seconds: float | None = None,
    ) -> Deadline:
        """The deadline of an invocation: the context's remaining time less ``margin_seconds``.

        A context that cannot say (a test double, no context) counts ``default_seconds`` down on
        the monotonic clock from now instead.
        """
        getter = getattr(context, "get_remaining_time_in_millis", None)
        if callable(getter) and _number_from(getter) is not None:
            method = getter

            def from_lambda() -> float:
                millis = _number_from(method)
                return (millis if millis is not None else 0.0) / 1000.0 - margin_seconds

            return cls(from_lambda, budget=budget_seconds)
        return cls(Deadline.starting_now(default_seconds - margin_seconds).remaining, budget=budget_seconds)

    @classmethod
    def starting_now(cls, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> Deadline:
        """A deadline ``seconds`` from now on ``clock``."""
        expires = clock() + seconds
        return cls(lambda: expires - clock())

    def remaining(self) -> float:
        """Seconds left for AWS calls (never negative)."""
        now = _finite_or_zero(self._source())
        elapsed = self._start - now
        return max(0.0, min(now, self._budget - elapsed))

    def narrowed(self, seconds: float) -> Deadline:
        """A deadline of at most ``seconds`` from now, and never later than this one."""
        return Deadline(self.remaining, budget=seconds)

    def plan(self) -> CallPlan | None:
        """The plan of a call started now (None: not even a quick attempt fits)."""
        return plan_for(self.remaining())


def _finite_or_zero(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def _number_from(getter: Callable[[], Any]) -> float | None:
    try:
        value = float(getter())
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


_active: ContextVar[Deadline | None] = ContextVar("aws_call_deadline", default=None)


def active_deadline() -> Deadline | None:
    """The deadline of the running invocation, or None outside any."""
    return _active.get()


@contextlib.contextmanager
def deadline_scope(deadline: Deadline) -> Iterator[Deadline]:
    """Make ``deadline`` the active one for the block (one invocation, or a narrowed step of it)."""
    token = _active.set(deadline)
    try:
        yield deadline
    finally:
        _active.reset(token)


@contextlib.contextmanager
def narrowed_deadline(seconds: float) -> Iterator[Deadline]:
    """Give the block at most ``seconds``, within the active deadline (or from now, without one)."""
    parent = active_deadline()
    child = parent.narrowed(seconds) if parent is not None else Deadline.starting_now(seconds)
    with deadline_scope(child):
        yield child


def is_timeout(error: BaseException) -> bool:
    """Whether ``error`` means an AWS call ran out of time (the deadline, or botocore's timeouts)."""
    if isinstance(error, DeadlineExceeded):
        return True
    try:
        from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
    except ImportError:  # pragma: no cover - botocore is in every Lambda runtime
        return False
    return isinstance(error, ReadTimeoutError | ConnectTimeoutError)


# --- clients per plan ---------------------------------------------------------------------------------

ClientBuilder = Callable[[CallPlan], Any]


class DeadlineClients:
    """One botocore client per :class:`CallPlan`, built on first need, with the retry guard installed.

    Calling the object (or :meth:`client`) returns the client the active deadline allows, so an
    instance is a client factory for the repositories of :mod:`storage.dynamodb`. ``build`` makes
    the client of a plan (``plan.config()`` is its ``Config``); the guard is added here.
    """

    def __init__(self, build: ClientBuilder) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._clients: dict[CallPlan, Any] = {}

    def __call__(self) -> Any:
        return self.client()

    def client(self) -> Any:
        """The client for a call started now; raises :class:`DeadlineExceeded` when none fits."""
        deadline = active_deadline()
        if deadline is None:
            return self.client_for(UNBOUNDED_PLAN)
        plan = deadline.plan()
        if plan is None:
            left = deadline.remaining()
            raise DeadlineExceeded(f"{left:.3f} s left; a call needs at least {MIN_CALL_SECONDS:.1f} s")
        return self.client_for(plan)

    def client_for(self, plan: CallPlan) -> Any:
        """The client of ``plan`` (built and guarded the first time)."""
        client = self._clients.get(plan)
        if client is None:
            with self._lock:
                client = self._clients.get(plan)
                if client is None:
                    client = self._build(plan)
                    install_retry_guard(client, plan)
                    self._clients[plan] = client
        return client

    @property
    def plans(self) -> tuple[CallPlan, ...]:
        """The plans whose clients exist so far."""
        return tuple(self._clients)

    def reset(self) -> None:
        """Forget every client (tests start a fresh moto backend per test)."""
        with self._lock:
            self._clients.clear()


def install_retry_guard(client: Any, plan: CallPlan) -> None:
    """Register the deadline's retry guard first on ``client``'s ``needs-retry`` event."""
    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register_first(f"needs-retry.{service}", _RetryGuard(plan, service).needs_retry)


class _RetryGuard:
    """Refuses a retry of botocore's standard mode that the active deadline cannot hold."""

    def __init__(self, plan: CallPlan, service: str) -> None:
        from botocore.retries import standard

        self._plan = plan
        self._adapter = standard.RetryEventAdapter()
        self._conditions = standard.StandardRetryConditions(max_attempts=plan.max_attempts)
        self._backoff = _longest_backoff(standard, service, self._adapter)

    def needs_retry(self, **kwargs: Any) -> None:
        """Return None (standard mode decides) or raise :class:`DeadlineExceeded` (no retry)."""
        deadline = active_deadline()
        if deadline is None:
            return
        context = self._adapter.create_retry_context(**kwargs)
        if not self._conditions.is_retryable(context):
            return  # standard mode will not retry either: the original error or answer stands
        needed = float(self._backoff.delay_amount(context)) + self._plan.attempt_seconds
        left = deadline.remaining()
        if needed > left:
            cause = kwargs.get("caught_exception")
            what = type(cause).__name__ if cause is not None else (context.get_error_code() or "an error")
            raise DeadlineExceeded(
                f"attempt {context.attempt_number} ended with {what}; another needs {needed:.3f} s, "
                f"{left:.3f} s left"
            ) from cause


def _longest_backoff(standard: Any, service: str, adapter: Any) -> Any:
    """botocore's own backoff with the random factor at 1: the longest delay standard mode can choose."""

    def longest() -> float:
        return 1.0

    try:
        detector = standard.ThrottlingErrorDetector(adapter)
        return standard.ExponentialBackoff(random=longest, service_name=service, throttling_detector=detector)
    except TypeError:  # botocore before per-service backoff scales: one scale (1 s) for every error
        return standard.ExponentialBackoff(random=longest)
