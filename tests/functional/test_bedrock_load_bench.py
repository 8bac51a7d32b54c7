"""benchmarks/bench_bedrock_load.py: its Bedrock stand-in and a quick run with a tiny sample.

The numbers are measured by running the script (``make bench``), never asserted here; these tests
prove that the stand-in draws the configured distribution, answers through the real classifier
path (botocore's Stubber on a genuine client) and that the script runs end to end.
"""

from __future__ import annotations

import importlib.util
import logging
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from bot.bedrock_classifier import BedrockClassifier
from bot.classifier_chain import ClassifierChain
from bot.local_classifier import default_classifier
from config.capacity import LatencyProfile
from contract import ConsultPolicy, FallbackReason, Intent

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_bedrock_load.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_bedrock_load", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module
    spec.loader.exec_module(module)
    return module


class ScriptedDraws:
    """Draws given in advance: (throttled, latency seconds) per request."""

    def __init__(self, draws: list[tuple[bool, float]]) -> None:
        self._draws: Iterator[tuple[bool, float]] = iter(draws)

    def draw(self) -> tuple[bool, float]:
        return next(self._draws)


def test_the_latency_stand_in_draws_the_configured_median_p95_and_throttling(bench: ModuleType) -> None:
    profile = LatencyProfile(median_seconds=0.7, p95_seconds=1.8, throttle_share=0.01)
    stand_in = bench.LatencyStandIn(profile, seed=14)
    draws = [stand_in.draw() for _ in range(20_000)]
    latencies = sorted(latency for _, latency in draws)
    assert statistics.median(latencies) == pytest.approx(0.7, rel=0.03)
    assert latencies[int(0.95 * len(latencies))] == pytest.approx(1.8, rel=0.05)
    assert sum(throttled for throttled, _ in draws) / len(draws) == pytest.approx(0.01, abs=0.003)
    # The same seed, the same run.
    again = bench.LatencyStandIn(profile, seed=14)
    assert [again.draw() for _ in range(100)] == draws[:100]


def test_the_stand_in_answers_throttles_and_times_out_through_the_real_classifier(bench: ModuleType) -> None:
    clock = bench.VirtualClock()
    draws = ScriptedDraws([(False, 0.8), (True, 0.4), (False, 3.0)])
    stand_in = bench.BedrockStandIn(draws, clock, lambda text: Intent.ORDER_INQUIRY, timeout_seconds=2.5)
    bedrock = BedrockClassifier(stand_in.client, "bench-model")
    chain = ClassifierChain(default_classifier(), bedrock, policy=ConsultPolicy.ALWAYS)

    answered = chain.classify("주문한 거 어디쯤 왔나요")
    assert (answered.classification.source, answered.classification.intent) == (
        "bedrock",
        Intent.ORDER_INQUIRY,
    )
    assert clock.now == pytest.approx(0.8)
    record = stand_in.requests[0]
    assert record.outcome == "answered"
    assert record.text == "주문한 거 어디쯤 왔나요"
    # Tokens are counted from the request the classifier itself built.
    assert record.input_tokens == bench.request_input_tokens(bedrock.build_request("주문한 거 어디쯤 왔나요"))
    assert record.input_tokens > bench.TOOL_USE_SYSTEM_TOKENS
    assert record.output_tokens > bench.TOOL_CALL_OUTPUT_TOKENS

    throttled = chain.classify("배송 언제 와요")
    assert throttled.fallback_reason == FallbackReason.THROTTLED
    assert clock.now == pytest.approx(0.8 + bench.THROTTLE_RESPONSE_SECONDS)
    assert (stand_in.requests[1].outcome, stand_in.requests[1].input_tokens) == ("throttled", 0)

    slow = chain.classify("환불 받고 싶어요")
    assert slow.fallback_reason == FallbackReason.TIMEOUT
    assert clock.now == pytest.approx(0.8 + bench.THROTTLE_RESPONSE_SECONDS + 2.5)  # the client's bound
    assert stand_in.requests[2].outcome == "timeout"


def test_local_first_consults_bedrock_less_on_the_same_turns(bench: ModuleType) -> None:
    texts = [text for text, _ in bench.labelled_utterances(40)]
    runs = {
        policy: bench.run_policy(
            policy,
            [texts],
            profile=LatencyProfile(),
            seed=14,
            timeout_seconds=2.5,
            answer=lambda text: Intent.GENERAL_INQUIRY,
        )
        for policy in ConsultPolicy
    }
    always, when_unsure = runs[ConsultPolicy.ALWAYS], runs[ConsultPolicy.WHEN_UNSURE]
    assert always.consult_share == 1.0
    assert when_unsure.consult_share < always.consult_share
    assert always.turns == when_unsure.turns == 40
    assert len(always.requests) == sum(always.requests_per_group) == 40
    assert bench.percentile(when_unsure.turn_seconds, 0.5) <= bench.percentile(always.turn_seconds, 0.5)


def test_a_tiny_run_prints_latency_cost_and_capacity(
    bench: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--calls", "1", "--utterances", "20"]) == 0
    out = capsys.readouterr().out
    assert "| 20 labelled utterances | always |" in out
    assert "| 20 labelled utterances | when_unsure |" in out
    assert "Per 1,000 calls" in out
    assert "Capacity at peak: 1,000 concurrent callers, a turn every 10 s; quota 2,000 requests/min" in out
    assert "| always | 100.0% | 6,000 | 6,000 | 300% | 266 |" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--calls", "0"], "--calls must be at least 1, got 0"),
        (["--p95", "0.5"], "p95_seconds must be above the median"),
        (["--env", "nowhere"], "unknown environment 'nowhere'"),
        (["--seed", "x"], "invalid int value"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(
    bench: ModuleType, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    try:
        status = bench.main(argv)
    except SystemExit as exit_:
        status = exit_.code
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_a_run_leaves_logging_as_it_found_it(bench: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    before = logging.root.manager.disable
    assert bench.main(["--env", "nowhere"]) == 2  # after main turned warnings off for its run
    capsys.readouterr()
    assert logging.root.manager.disable == before
