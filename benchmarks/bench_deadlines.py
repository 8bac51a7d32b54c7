"""Worst case of each function when its tables never answer, and what the deadlines cost.

Real botocore, the real handlers, real time: a local TCP server (127.0.0.1, an ephemeral port)
accepts every connection and never sends a byte. The functions' DynamoDB clients point at it
(``endpoint_url``), over plain HTTP — the request goes out, the answer never comes (read stall) —
and over HTTPS — the TLS handshake never completes (connect stall). With Bedrock on, the
``bedrock-runtime`` client points at it too. The server is bounded: every socket is closed when
the benchmark ends, and ``--limit`` seconds of wall time end the whole run.

Each scenario is one invocation with a Lambda context whose remaining time counts down from the
deployed timeout on the real clock; the contact-flow function's cold scenarios build the app
inside the invocation as Lambda does. The verdicts: the contact-flow function answers before the
flow's ``InvocationTimeLimitSeconds`` of the action (5 s lookup, 8 s callback), Connect's 8 s and
its own 7 s timeout; the Lex hook before its timeout (5 s, 6 s with Bedrock on). Exit 1 otherwise.

Then the cost of the machinery on a call that succeeds: deriving the plan and fetching the plan's
cached client, the retry guard on the ``needs-retry`` event, and building a client for a new plan.

Usage: ``python benchmarks/bench_deadlines.py [--repeat 1] [--limit 300]`` from the repository root.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import dataclasses
import functools
import json
import os
import signal
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "lambda_src"), str(REPO_ROOT)]

from bot.bedrock_classifier import DEFAULT_MODEL_ID, bedrock_client_config  # noqa: E402
from config import load_environment  # noqa: E402
from constructs_lib.function_environment import (  # noqa: E402
    CONTACT_FLOW_TIMEOUT_SECONDS,
    contact_flow_environment,
    lex_hook_environment,
    lex_hook_timeout_seconds,
)
from contract import TABLE_DEFINITIONS  # noqa: E402
from handlers import contact_flow, lex_hook  # noqa: E402
from handlers.lambda_context import ContainerApp  # noqa: E402
from handlers.observability import logger  # noqa: E402
from handlers.settings import ContactFlowSettings, LexHookSettings  # noqa: E402
from storage.deadline import CallPlan, Deadline, DeadlineClients, deadline_scope, plan_for  # noqa: E402
from storage.dynamodb import (  # noqa: E402
    DynamoDbCallbackRepository,
    DynamoDbCustomerRepository,
    dynamodb_clients,
    make_dynamodb_client,
)

EVENTS_DIR = REPO_ROOT / "tests" / "events"
REGION = "ap-northeast-2"
#: Connect gives up on any Lambda after 8 s.
CONNECT_LIMIT_SECONDS = 8.0
#: The flow's InvocationTimeLimitSeconds per contact-flow action (contact_flows/inbound.json).
FLOW_LIMITS = {"lookup_customer": 5.0, "register_callback": 8.0}


# --- a server that never answers -------------------------------------------------------------------


class SilentServer:
    """Accepts every TCP connection on 127.0.0.1 and never sends a byte; closes all on exit."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        """The ephemeral port it listens on."""
        return int(self._listener.getsockname()[1])

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # closed
            self._accepted.append(connection)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._listener.close()
        for connection in self._accepted:
            connection.close()
        self._thread.join(timeout=2)


# --- the functions ---------------------------------------------------------------------------------


class CountdownContext:
    """A Lambda context whose remaining time runs down on the real clock from ``timeout_seconds``."""

    def __init__(self, timeout_seconds: float) -> None:
        self.aws_request_id = "bench-deadlines"
        self.function_name = "bench"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left, as Lambda reports them."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_event(name: str) -> dict[str, Any]:
    """A recorded event of tests/events."""
    event: dict[str, Any] = json.loads((EVENTS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(event)


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One invocation against stalled tables, and the limit it must answer within."""

    name: str
    limit_seconds: float
    limit_name: str
    run: Callable[[], str]  # the answer, summarised


@dataclasses.dataclass
class Measured:
    """Wall times of one scenario's runs and its last answer."""

    scenario: Scenario
    seconds: list[float]
    answer: str

    @property
    def worst(self) -> float:
        """The slowest run."""
        return max(self.seconds)


def table_names() -> dict[str, str]:
    """Table names by key (nothing exists: every request stalls)."""
    return {definition.key: f"bench-{definition.key}" for definition in TABLE_DEFINITIONS}


def contact_flow_scenarios(endpoint: str, transport: str) -> list[Scenario]:
    """lookup_customer and register_callback, cold (app built in the invocation) and warm."""
    config = load_environment("dev")
    settings = ContactFlowSettings.from_env(
        {**contact_flow_environment(config, table_names()), "POWERTOOLS_SERVICE_NAME": "bench"}
    )

    def build() -> contact_flow.ContactFlowApp:
        clients = dynamodb_clients(region=REGION, endpoint_url=endpoint)
        return contact_flow.ContactFlowApp(
            customers=DynamoDbCustomerRepository(settings.customers_table_name, client_factory=clients),
            callbacks=DynamoDbCallbackRepository(settings.callbacks_table_name, client_factory=clients),
            calendar=settings.calendar,
        )

    warm_app = build()

    def invoke(event_name: str, *, cold: bool) -> str:
        container = ContainerApp(build, name="bench contact flow")
        provider = container.get if cold else (lambda: warm_app)
        context = CountdownContext(CONTACT_FLOW_TIMEOUT_SECONDS)
        response = contact_flow.handle_event(load_event(event_name), context, app_provider=provider)
        return f"{response.get('result')}/{response.get('reason', '')}"

    scenarios = []
    for action, event_name in (
        ("lookup_customer", "connect_lookup_customer_vip"),
        ("register_callback", "connect_register_callback"),
    ):
        limit = min(FLOW_LIMITS[action], CONNECT_LIMIT_SECONDS, CONTACT_FLOW_TIMEOUT_SECONDS)
        for cold in (True, False):
            scenarios.append(
                Scenario(
                    name=f"contact flow {action} ({'cold' if cold else 'warm'}, {transport})",
                    limit_seconds=limit,
                    limit_name=f"flow limit {FLOW_LIMITS[action]:.0f} s",
                    run=functools.partial(invoke, event_name, cold=cold),
                )
            )
    return scenarios


def lex_hook_scenarios(endpoint: str, transport: str) -> list[Scenario]:
    """A cold turn (FAQ read + conversation log), an order lookup, and the same with Bedrock on."""
    config = load_environment("dev")
    scenarios = []
    for bedrock in (False, True):
        environment = {
            **lex_hook_environment(config, table_names(), bedrock_enabled=bedrock),
            "POWERTOOLS_SERVICE_NAME": "bench",
            "AWS_REGION": REGION,
        }
        settings = LexHookSettings.from_env(environment)
        timeout = lex_hook_timeout_seconds(config, bedrock_enabled=bedrock)

        def build(settings: LexHookSettings = settings, bedrock: bool = bedrock) -> lex_hook.LexHookApp:
            bedrock_client = None
            if bedrock:
                import boto3

                bedrock_client = boto3.session.Session(region_name=REGION).client(
                    "bedrock-runtime",
                    endpoint_url=endpoint,
                    config=bedrock_client_config(settings.bedrock_timeout_seconds),
                )
            return lex_hook.build_app(
                dataclasses.replace(settings, bedrock_model_id=settings.bedrock_model_id or DEFAULT_MODEL_ID),
                bedrock_client=bedrock_client,
                dynamodb_clients=dynamodb_clients(region=REGION, endpoint_url=endpoint),
            )

        def turn(
            utterance: str,
            *,
            cold: bool,
            build: Callable[[], lex_hook.LexHookApp] = build,
            timeout: int = timeout,
        ) -> str:
            container = ContainerApp(build, name="bench lex hook")
            if not cold:
                container.get()  # the FAQ read stalls here, outside the measured invocation
            event = load_event("lex_order_inquiry")
            event["inputTranscript"] = utterance
            context = CountdownContext(timeout)
            response = lex_hook.handle_event(event, context, app_provider=container.get)
            state = response["sessionState"]
            action = state["sessionAttributes"].get("nextAction", "-")
            return f"{state['dialogAction']['type']} {action}: {response['messages'][0]['content'][:20]}…"

        label = "Bedrock on" if bedrock else "Bedrock off"
        for name, utterance, cold in (
            ("cold start: FAQ read + turn", "배송 보통 며칠 걸려요?", True),
            ("order lookup turn", "주문번호 ORD20260001 배송 조회해 주세요", False),
        ):
            scenarios.append(
                Scenario(
                    name=f"Lex hook {name} ({label}, {transport})",
                    limit_seconds=float(timeout),
                    limit_name=f"timeout {timeout} s",
                    run=functools.partial(turn, utterance, cold=cold),
                )
            )
    return scenarios


def measure(scenarios: list[Scenario], repeat: int) -> list[Measured]:
    """Run each scenario ``repeat`` times (wall clock)."""
    results = []
    for scenario in scenarios:
        seconds, answer = [], ""
        for _ in range(repeat):
            with quiet_handlers():
                started = time.perf_counter()
                answer = scenario.run()
                seconds.append(time.perf_counter() - started)
        results.append(Measured(scenario, seconds, answer))
        print(
            f"  {scenario.name:<66} {max(seconds):5.2f} s  ({scenario.limit_name})  -> {answer}",
            flush=True,
        )
    return results


# --- what the machinery costs ----------------------------------------------------------------------


def _ok_response(request: Any, **_: Any) -> Any:
    from botocore.awsrequest import AWSResponse

    class Raw:
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield b"{}"

    return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.0"}, Raw())


def costs() -> None:
    """Per-call overhead of the deadline on a call that succeeds, and the price of a new plan's client."""
    import boto3

    boto3.client("dynamodb", region_name=REGION)  # loaders warm, as in a container after its first client

    iterations = 20_000
    clients = DeadlineClients(lambda plan: make_dynamodb_client(region=REGION, **_kwargs(plan)))
    deadline = Deadline(lambda: 6.0)
    with deadline_scope(deadline):
        clients.client()
        started = time.perf_counter()
        for _ in range(iterations):
            clients.client()
        per_lookup = (time.perf_counter() - started) / iterations
    print(f"  plan + cached client lookup per call: {per_lookup * 1e6:.1f} µs")

    # A whole GetItem through botocore (a canned 200 answer at before-send), with and without the guard.
    guarded = clients.client_for(plan_for(6.0) or CallPlan(0.3, 0.6, 3))
    plain = make_dynamodb_client(region=REGION, connect_timeout=0.3, read_timeout=0.6, max_attempts=3)
    for client in (guarded, plain):
        client.meta.events.register("before-send.dynamodb", _ok_response)
    timings: dict[str, list[float]] = {"guarded": [], "plain": []}
    with deadline_scope(deadline):
        for _ in range(5):
            for label, client in (("guarded", guarded), ("plain", plain)):
                started = time.perf_counter()
                for _ in range(300):
                    client.get_item(TableName="t", Key={"k": {"S": "v"}})
                timings[label].append((time.perf_counter() - started) / 300)
    guarded_ms = statistics.median(timings["guarded"]) * 1000
    plain_ms = statistics.median(timings["plain"]) * 1000
    print(
        f"  one GetItem through botocore (no network): {plain_ms:.3f} ms plain, {guarded_ms:.3f} ms "
        f"with the retry guard ({(guarded_ms - plain_ms) * 1000:+.0f} µs)"
    )

    builds = []
    for index in range(5):
        plan = CallPlan(0.3 + index / 1000, 0.6, 3)
        started = time.perf_counter()
        clients.client_for(plan)
        builds.append(time.perf_counter() - started)
    print(f"  client for a new plan (warm loaders): median {statistics.median(builds) * 1000:.1f} ms")


def _kwargs(plan: CallPlan) -> dict[str, Any]:
    return {
        "connect_timeout": plan.connect_timeout,
        "read_timeout": plan.read_timeout,
        "max_attempts": plan.max_attempts,
    }


@contextlib.contextmanager
def quiet_handlers() -> Iterator[None]:
    """The handlers' JSON logs and EMF lines go to /dev/null."""
    handler = logger.registered_handler
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        previous = handler.setStream(devnull)  # type: ignore[attr-defined]
        with contextlib.redirect_stdout(devnull):
            try:
                yield
            finally:
                handler.setStream(previous)  # type: ignore[attr-defined]


def main() -> int:
    """Measure every scenario and the costs; exit 1 when a function misses its limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per scenario (the worst is reported)")
    parser.add_argument("--limit", type=int, default=300, help="seconds before the whole run is stopped")
    arguments = parser.parse_args()
    signal.alarm(arguments.limit)  # bounded: a hang can never outlive this
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
    )
    print(f"Python {sys.version.split()[0]}, botocore {_botocore_version()}")
    results: list[Measured] = []
    with SilentServer() as server:
        for transport, scheme in (("read stall", "http"), ("TLS stall", "https")):
            endpoint = f"{scheme}://127.0.0.1:{server.port}"
            print(f"{transport}: {endpoint} accepts and never answers")
            scenarios = contact_flow_scenarios(endpoint, transport) + lex_hook_scenarios(endpoint, transport)
            results += measure(scenarios, arguments.repeat)
    print("cost of the deadline machinery (no network):")
    costs()
    failures = [result for result in results if result.worst >= result.scenario.limit_seconds]
    worst_flow = max(result.worst for result in results if result.scenario.name.startswith("contact"))
    worst_lex = max(result.worst for result in results if result.scenario.name.startswith("Lex"))
    print(f"worst case: contact-flow function {worst_flow:.2f} s, Lex hook {worst_lex:.2f} s")
    for failure in failures:
        print(f"TOO SLOW: {failure.scenario.name} {failure.worst:.2f} s >= {failure.scenario.limit_name}")
    print("OK" if not failures else f"{len(failures)} scenario(s) over their limit")
    return 0 if not failures else 1


def _botocore_version() -> str:
    import botocore

    return str(botocore.__version__)


if __name__ == "__main__":
    raise SystemExit(main())
