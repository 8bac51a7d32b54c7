"""storage.deadline: plans from the time left, the invocation's deadline, clients per plan, the retry guard.

The retry guard runs on real botocore clients with no network: a ``before-send`` hook answers
each attempt (a stall that moves a fake clock on by the attempt's timeouts, a throttling or
server error, a success), so botocore's own standard-mode retry logic decides around it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError
from hypothesis import given
from hypothesis import strategies as st

from storage.deadline import (
    MIN_CALL_SECONDS,
    UNBOUNDED_PLAN,
    CallPlan,
    Deadline,
    DeadlineClients,
    DeadlineExceeded,
    active_deadline,
    deadline_scope,
    is_timeout,
    narrowed_deadline,
    plan_for,
)

REGION = "ap-northeast-2"


# --- the plan ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "expected"),
    [
        (7.0, CallPlan(0.3, 0.6, 3)),
        (4.0, CallPlan(0.3, 0.6, 3)),
        (2.9, CallPlan(0.3, 0.6, 3)),
        (2.8, CallPlan(0.3, 0.6, 2)),
        (1.9, CallPlan(0.3, 0.6, 2)),
        (1.5, CallPlan(0.3, 0.6, 1)),
        (0.9, CallPlan(0.3, 0.6, 1)),
        (0.8, CallPlan(0.2, 0.3, 1)),
        (0.5, CallPlan(0.2, 0.3, 1)),
        (0.45, CallPlan(0.1, 0.2, 1)),
        (0.3, CallPlan(0.1, 0.2, 1)),
        (0.29, None),
        (0.0, None),
        (-1.0, None),
        (math.nan, None),
        (math.inf, None),
    ],
)
def test_the_plan_follows_the_time_left(budget: float, expected: CallPlan | None) -> None:
    assert plan_for(budget) == expected


@given(st.floats(min_value=0.0, max_value=60.0))
def test_a_plan_never_takes_longer_than_the_time_it_was_made_for(budget: float) -> None:
    plan = plan_for(budget)
    if budget < MIN_CALL_SECONDS:
        assert plan is None
    else:
        assert plan is not None
        assert plan.worst_case_seconds <= budget + 1e-9
        assert 1 <= plan.max_attempts <= 3


def test_a_plan_is_a_botocore_config_in_standard_mode() -> None:
    config = CallPlan(0.3, 0.6, 3).config()
    assert (config.connect_timeout, config.read_timeout) == (0.3, 0.6)
    assert config.retries == {"total_max_attempts": 3, "mode": "standard"}
    assert CallPlan(0.3, 0.6, 3).worst_case_seconds == pytest.approx(3 * 0.9 + 2 * 0.1)


# --- the deadline -----------------------------------------------------------------------------------


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class LambdaContext:
    """What Lambda's context says about time: remaining milliseconds on ``clock``."""

    def __init__(self, clock: Clock, timeout_seconds: float) -> None:
        self._clock = clock
        self._deadline = clock.now + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - self._clock.now) * 1000))


def test_the_deadline_reads_the_context_less_the_margin_every_time() -> None:
    clock = Clock()
    deadline = Deadline.from_context(LambdaContext(clock, 7), margin_seconds=0.5, default_seconds=3)
    assert deadline.remaining() == pytest.approx(6.5)
    clock.now += 2
    assert deadline.remaining() == pytest.approx(4.5)
    clock.now += 10
    assert deadline.remaining() == 0.0


def test_a_budget_caps_the_deadline_from_its_start() -> None:
    clock = Clock()
    deadline = Deadline.from_context(
        LambdaContext(clock, 7), margin_seconds=0.5, default_seconds=3, budget_seconds=4.0
    )
    assert deadline.remaining() == pytest.approx(4.0)
    clock.now += 1.5
    assert deadline.remaining() == pytest.approx(2.5)


def test_the_budget_never_extends_a_shorter_lambda() -> None:
    clock = Clock()
    deadline = Deadline.from_context(
        LambdaContext(clock, 1), margin_seconds=0.5, default_seconds=3, budget_seconds=4.0
    )
    assert deadline.remaining() == pytest.approx(0.5)


@pytest.mark.parametrize(
    "context", [None, object(), type("Broken", (), {"get_remaining_time_in_millis": "x"})()]
)
def test_a_context_that_cannot_say_counts_the_default_down(context: Any) -> None:
    deadline = Deadline.from_context(context, margin_seconds=0.5, default_seconds=3.0)
    assert 2.4 < deadline.remaining() <= 2.5


def test_a_narrowed_deadline_is_never_later_than_its_parent() -> None:
    clock = Clock()
    parent = Deadline(lambda: 3.0 - clock.now)
    assert parent.narrowed(2.0).remaining() == pytest.approx(2.0)
    assert parent.narrowed(5.0).remaining() == pytest.approx(3.0)
    child = parent.narrowed(2.0)
    clock.now += 1.0
    assert child.remaining() == pytest.approx(1.0)
    clock.now += 1.5
    assert parent.narrowed(2.0).remaining() == pytest.approx(0.5)


def test_scopes_nest_and_restore() -> None:
    assert active_deadline() is None
    outer = Deadline(lambda: 3.0)
    with deadline_scope(outer):
        assert active_deadline() is outer
        with narrowed_deadline(1.0) as inner:
            assert active_deadline() is inner
            assert inner.remaining() == pytest.approx(1.0)
        assert active_deadline() is outer
    assert active_deadline() is None


def test_narrowing_without_an_invocation_starts_from_now() -> None:
    with narrowed_deadline(1.0) as deadline:
        assert 0.9 < deadline.remaining() <= 1.0


# --- clients per plan -------------------------------------------------------------------------------


def _session() -> Any:
    return boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=REGION)


def _build(plan: CallPlan) -> Any:
    return _session().client("dynamodb", config=plan.config())


def test_a_client_per_plan_built_once() -> None:
    built: list[CallPlan] = []

    def build(plan: CallPlan) -> Any:
        built.append(plan)
        return _build(plan)

    clients = DeadlineClients(build)
    with deadline_scope(Deadline(lambda: 6.0)):
        first = clients()
        assert clients() is first
    with deadline_scope(Deadline(lambda: 1.0)):
        short = clients.client()
    assert built == [CallPlan(0.3, 0.6, 3), CallPlan(0.3, 0.6, 1)]
    assert first.meta.config.retries == {"total_max_attempts": 3, "mode": "standard"}
    assert short is not first
    assert clients.plans == (CallPlan(0.3, 0.6, 3), CallPlan(0.3, 0.6, 1))
    clients.reset()
    assert clients.plans == ()


def test_outside_an_invocation_the_client_has_the_unbounded_plan() -> None:
    clients = DeadlineClients(_build)
    config = clients().meta.config
    assert (config.connect_timeout, config.read_timeout) == (
        UNBOUNDED_PLAN.connect_timeout,
        UNBOUNDED_PLAN.read_timeout,
    )


def test_with_no_time_left_no_client_is_built_and_nothing_is_sent() -> None:
    built: list[CallPlan] = []
    clients = DeadlineClients(built.append)
    with deadline_scope(Deadline(lambda: MIN_CALL_SECONDS - 0.01)), pytest.raises(DeadlineExceeded):
        clients.client()
    assert built == []


# --- the retry guard --------------------------------------------------------------------------------


def _answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Callable[..., Any]:
    class Raw:
        def stream(self, **_: Any) -> Any:
            yield json.dumps(body).encode()

    def respond(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(
            request.url, status, {"Content-Type": "application/x-amz-json-1.0", **(headers or {})}, Raw()
        )

    return respond


class Stall:
    """Every attempt hangs for the client's connect + read timeout on ``clock``, then times out."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.attempts: list[float] = []

    def install(self, client: Any) -> Any:
        config = client.meta.config

        def before_send(request: Any, **_: Any) -> None:
            self.attempts.append(self.clock.now)
            self.clock.now += config.connect_timeout + config.read_timeout
            raise ReadTimeoutError(endpoint_url=request.url)

        client.meta.events.register("before-send.dynamodb", before_send)
        return client


def _get(client: Any) -> Any:
    return client.get_item(TableName="t", Key={"k": {"S": "v"}})


@pytest.mark.parametrize(("budget", "attempts"), [(4.0, 3), (2.0, 2), (1.0, 1), (0.6, 1)])
def test_a_stall_costs_at_most_the_time_the_deadline_had(budget: float, attempts: int) -> None:
    clock = Clock()
    stall = Stall(clock)
    clients = DeadlineClients(lambda plan: stall.install(_build(plan)))
    with deadline_scope(Deadline(lambda: budget - clock.now)), pytest.raises(ReadTimeoutError):
        _get(clients())
    assert len(stall.attempts) == attempts
    assert clock.now <= budget


def test_the_guard_refuses_a_retry_the_deadline_cannot_hold() -> None:
    clock = Clock()
    stall = Stall(clock)
    clients = DeadlineClients(lambda plan: stall.install(_build(plan)))
    client = clients.client_for(CallPlan(0.3, 0.6, 3))  # a client planned when more time was left
    with deadline_scope(Deadline(lambda: 1.5 - clock.now)), pytest.raises(DeadlineExceeded) as raised:
        _get(client)
    assert len(stall.attempts) == 1
    assert isinstance(raised.value.__cause__, ReadTimeoutError)
    assert "ReadTimeoutError" in str(raised.value)


def test_without_a_deadline_standard_mode_alone_decides() -> None:
    clock = Clock()
    stall = Stall(clock)
    client = DeadlineClients(lambda plan: stall.install(_build(plan))).client_for(CallPlan(0.3, 0.6, 3))
    with pytest.raises(ReadTimeoutError):
        _get(client)
    assert len(stall.attempts) == 3


def test_throttling_backoff_is_counted_before_a_retry() -> None:
    # A throttled attempt may be followed by up to 1 s of backoff (botocore's throttling scale):
    # with 1.5 s left, 1 s + a 0.9 s attempt does not fit, so there is no retry and no sleep.
    calls: list[int] = []
    client = DeadlineClients(_build).client_for(CallPlan(0.3, 0.6, 3))
    throttled = _answer(
        400, {"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"}
    )

    def answer(request: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return throttled(request, **kwargs)

    client.meta.events.register("before-send.dynamodb", answer)
    with (
        deadline_scope(Deadline(lambda: 1.5)),
        pytest.raises(DeadlineExceeded, match="ProvisionedThroughput"),
    ):
        _get(client)
    assert len(calls) == 1


def test_a_server_error_is_retried_while_time_is_left() -> None:
    calls: list[int] = []
    client = DeadlineClients(_build).client_for(CallPlan(0.3, 0.6, 3))
    failing = _answer(500, {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError"})
    succeeding = _answer(200, {"Item": {"k": {"S": "v"}}})

    def answer(request: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return (failing if len(calls) < 3 else succeeding)(request, **kwargs)

    client.meta.events.register("before-send.dynamodb", answer)
    with deadline_scope(Deadline(lambda: 4.0)):
        assert _get(client)["Item"] == {"k": {"S": "v"}}
    assert len(calls) == 3


def test_the_guard_leaves_answers_and_non_retryable_errors_alone() -> None:
    client = DeadlineClients(_build).client_for(CallPlan(0.3, 0.6, 3))
    answers = [
        _answer(200, {}),
        _answer(400, {"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"}),
    ]

    def answer(request: Any, **kwargs: Any) -> Any:
        return answers.pop(0)(request, **kwargs)

    client.meta.events.register("before-send.dynamodb", answer)
    with deadline_scope(Deadline(lambda: 0.2)):  # no time for any retry: irrelevant to both
        assert "Item" not in _get(client)
        with pytest.raises(ClientError, match="ConditionalCheckFailed"):
            _get(client)


@pytest.mark.parametrize(
    ("error", "timeout"),
    [
        (DeadlineExceeded("late"), True),
        (ReadTimeoutError(endpoint_url="https://x"), True),
        (ConnectTimeoutError(endpoint_url="https://x"), True),
        (ClientError({"Error": {"Code": "InternalServerError"}}, "GetItem"), False),
        (RuntimeError("bug"), False),
    ],
)
def test_is_timeout(error: Exception, timeout: bool) -> None:
    assert is_timeout(error) is timeout
