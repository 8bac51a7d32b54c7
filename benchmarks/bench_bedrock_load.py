"""Bedrock latency, cost and capacity, before (Bedrock first) and after (local first), measured offline.

Why a stand-in and virtual time: the questions (how slow is a turn, how many Bedrock requests and
tokens does a call cost, what load reaches the quota at peak) depend on Bedrock's latency
distribution and throttling, which no offline run can measure. So they are *assumed* — a
lognormal through a median and a p95 (default 700 ms, 1.8 s) and a throttled share (1 %) — and
everything else is the real code: the texts come from the labelled utterances and from the
scripted calls run through the simulator, and every request goes through
``bot.bedrock_classifier.BedrockClassifier`` into a genuine ``bedrock-runtime`` client whose
answers botocore's ``Stubber`` queues (Converse-shaped, validated against the service model,
with ``usage`` tokens counted from the request the classifier really built). Latency is added to
a virtual clock, never slept; the RNG is seeded, so a run is reproducible.

* **before** — today's chain: Bedrock answers every non-empty turn, the local classifier only
  falls back (``ConsultPolicy.ALWAYS``).
* **after** — local first: Bedrock only when the local classifier is unsure
  (``ConsultPolicy.WHEN_UNSURE``, ``bot.local_confidence``).

Scripted calls: each call of ``scenarios/calls.py`` runs through ``simulator.call.simulate_call``
(flows, Lex simulation, the real Lex hook) with this stand-in as its Bedrock client; the texts the
hook sends to Bedrock are recorded per call. The hook consults Bedrock on every classified turn
today, so those texts are exactly the turns the classifier sees; they are then replayed through
both chains (the simulator decides which inputs reach the classifier — keypad digits, silence and
the turns of a failing hook do not — and both policies are compared on identical turns). The
stand-in answers a call's texts with the local classifier's intent, so both policies follow the
same dialog path; labelled utterances get their label.

Token counts are estimates: no Claude tokenizer is available offline. Hangul and other non-ASCII
characters count one token each, ASCII four characters a token, plus the tool-use system prompt
(``TOOL_USE_SYSTEM_TOKENS``) and the tool call's wrapper (``TOOL_CALL_OUTPUT_TOKENS``).

Usage: ``python benchmarks/bench_bedrock_load.py [--env prod] [--seed 14] [--median 0.7]
[--p95 1.8] [--throttle 0.01] [--calls N] [--utterances N]`` from the repository root.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NoReturn

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "lambda_src"), str(REPO_ROOT)]

from bot.bedrock_classifier import (  # noqa: E402 - the asset root must be on the path first
    TOOL_NAME,
    UTTERANCE_CLOSE,
    UTTERANCE_OPEN,
    BedrockClassifier,
    make_bedrock_runtime_client,
    sanitize_caller_text,
)
from bot.classifier_chain import ClassifierChain, ConsultPolicy  # noqa: E402
from bot.local_classifier import default_classifier  # noqa: E402
from config.capacity import (  # noqa: E402
    BedrockPricing,
    LatencyProfile,
    PeakEstimate,
    cost_per_thousand_calls,
    quota_alarm_threshold,
)
from contract import Intent  # noqa: E402

UTTERANCES_FILE: Final = REPO_ROOT / "tests" / "unit" / "data" / "utterances.jsonl"
REGION: Final = "ap-northeast-2"
DEFAULT_SEED: Final = 14
#: Tokens of the system prompt Anthropic adds for tool use with a forced tool (``tool_choice``
#: any/tool): the Claude 4 family's published figure, assumed for Haiku 4.5 (not verified).
TOOL_USE_SYSTEM_TOKENS: Final = 313
#: Output tokens of the ``tool_use`` block around the tool input (id, name): an estimate.
TOOL_CALL_OUTPUT_TOKENS: Final = 30
#: A throttled request is refused at once; its round trip is assumed to take this long.
THROTTLE_RESPONSE_SECONDS: Final = 0.05
#: Confidence of the stand-in's answers (any value above every intent's threshold), and of its
#: answer to out-of-domain words (labelled without an intent): general_inquiry, unsure.
ANSWER_CONFIDENCE: Final = 0.95
#: Before (Bedrock first, as before issue 14) and after (local first).
POLICIES: Final = (ConsultPolicy.ALWAYS, ConsultPolicy.WHEN_UNSURE)
OUT_OF_DOMAIN_CONFIDENCE: Final = 0.3
#: The stand-in's model: the intent for the caller's (sanitized) words; None for out-of-domain.
Answer = Callable[[str], Intent | None]


def estimate_tokens(text: str) -> int:
    """Estimated Claude tokens of ``text``: one per non-ASCII character, one per 4 ASCII characters."""
    non_ascii = sum(1 for char in text if ord(char) > 127)
    return non_ascii + math.ceil((len(text) - non_ascii) / 4)


def request_input_tokens(request: dict[str, Any]) -> int:
    """Estimated input tokens of one Converse request: system, messages, tools and tool use."""
    texts = [block.get("text", "") for block in request.get("system", [])]
    for message in request.get("messages", []):
        texts.extend(block.get("text", "") for block in message.get("content", []))
    texts.append(json.dumps(request.get("toolConfig", {}), ensure_ascii=False, separators=(",", ":")))
    return sum(estimate_tokens(text) for text in texts) + TOOL_USE_SYSTEM_TOKENS


def caller_text(request: dict[str, Any]) -> str:
    """The (sanitized) caller words between the delimiters of a Converse request."""
    for message in request.get("messages", []):
        for block in message.get("content", []):
            text = block.get("text", "")
            if UTTERANCE_OPEN in text:
                return text.split(UTTERANCE_OPEN, 1)[1].split(UTTERANCE_CLOSE, 1)[0].strip()
    return ""


class VirtualClock:
    """Seconds that pass only when the stand-in says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(slots=True)
class RequestRecord:
    """One Converse request the stand-in answered."""

    text: str
    seconds: float
    outcome: str  # answered | throttled | timeout
    input_tokens: int = 0
    output_tokens: int = 0


class LatencyStandIn:
    """Seeded draws of Bedrock's behaviour: a lognormal latency and a throttled share.

    Every request takes exactly two draws (throttle, latency) whatever happens, so a run's
    sequence depends only on the seed and the number of requests.
    """

    def __init__(self, profile: LatencyProfile, seed: int) -> None:
        self.profile = profile
        self._rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, not a secret

    def draw(self) -> tuple[bool, float]:
        throttled = self._rng.random() < self.profile.throttle_share
        latency = self._rng.lognormvariate(self.profile.mu, self.profile.sigma)
        return throttled, latency


class BedrockStandIn:
    """A genuine ``bedrock-runtime`` client that answers from :class:`LatencyStandIn`, in virtual time.

    Before each Converse call (``provide-client-params``, botocore's first event, with the
    request the classifier built) it draws the request's fate: throttled (a queued
    ``ThrottlingException``), slower than the client's bound (a ``ReadTimeoutError``, as botocore
    raises it) or answered (a queued Converse response calling the tool, with ``usage`` and
    ``metrics.latencyMs``). ``answer`` gives the intent for the caller's (sanitized) words.
    """

    def __init__(
        self,
        latency: LatencyStandIn,
        clock: VirtualClock,
        answer: Answer,
        *,
        timeout_seconds: float,
    ) -> None:
        import boto3
        from botocore.stub import Stubber

        session = boto3.session.Session(
            aws_access_key_id="bench",
            aws_secret_access_key="bench",  # noqa: S106 - dummy credentials, never sent anywhere
            region_name=REGION,
        )
        self.client = make_bedrock_runtime_client(
            region=REGION, timeout_seconds=timeout_seconds, session=session
        )
        self._stubber = Stubber(self.client)
        self._latency = latency
        self._clock = clock
        self._answer = answer
        self._bound = timeout_seconds
        self.requests: list[RequestRecord] = []
        self.client.meta.events.register("provide-client-params.bedrock-runtime.Converse", self._on_call)
        self._stubber.activate()

    def _on_call(self, params: dict[str, Any], **_: Any) -> None:
        from botocore.exceptions import ReadTimeoutError

        text = caller_text(params)
        throttled, latency = self._latency.draw()
        if throttled:
            self._clock.advance(THROTTLE_RESPONSE_SECONDS)
            self.requests.append(RequestRecord(text, THROTTLE_RESPONSE_SECONDS, "throttled"))
            self._stubber.add_client_error(
                "converse",
                service_error_code="ThrottlingException",
                service_message="Too many requests, please wait before trying again.",
                http_status_code=429,
            )
            return
        intent = self._answer(text)
        tool_input = {
            "intent": (intent or Intent.GENERAL_INQUIRY).value,
            "confidence": ANSWER_CONFIDENCE if intent is not None else OUT_OF_DOMAIN_CONFIDENCE,
        }
        input_tokens = request_input_tokens(params)
        output_tokens = estimate_tokens(json.dumps(tool_input)) + TOOL_CALL_OUTPUT_TOKENS
        if latency > self._bound:
            # Billed as answered (the model ran; the client stopped waiting): the conservative side.
            self._clock.advance(self._bound)
            self.requests.append(RequestRecord(text, self._bound, "timeout", input_tokens, output_tokens))
            raise ReadTimeoutError(endpoint_url=f"https://bedrock-runtime.{REGION}.amazonaws.com")
        self._clock.advance(latency)
        self.requests.append(RequestRecord(text, latency, "answered", input_tokens, output_tokens))
        self._stubber.add_response(
            "converse",
            {
                "output": {
                    "message": {
                        "role": "assistant",
                        "content": [
                            {"toolUse": {"toolUseId": "bench", "name": TOOL_NAME, "input": tool_input}}
                        ],
                    }
                },
                "stopReason": "tool_use",
                "usage": {
                    "inputTokens": input_tokens,
                    "outputTokens": output_tokens,
                    "totalTokens": input_tokens + output_tokens,
                },
                "metrics": {"latencyMs": round(latency * 1000)},
            },
        )


def make_classifier(policy: ConsultPolicy, local: Any, bedrock: BedrockClassifier) -> Callable[[str], object]:
    """``text -> result`` of the classifier chain with ``policy``."""
    return ClassifierChain(local, bedrock, policy=policy).classify


@dataclass(slots=True)
class PolicyRun:
    """What one policy did over a set of turns."""

    policy: ConsultPolicy
    turn_seconds: list[float] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    requests_per_group: list[int] = field(default_factory=list)

    @property
    def turns(self) -> int:
        return len(self.turn_seconds)

    def count(self, outcome: str) -> int:
        return sum(1 for request in self.requests if request.outcome == outcome)

    @property
    def input_tokens(self) -> int:
        return sum(request.input_tokens for request in self.requests)

    @property
    def output_tokens(self) -> int:
        return sum(request.output_tokens for request in self.requests)

    @property
    def consult_share(self) -> float:
        return len(self.requests) / self.turns if self.turns else 0.0


def run_policy(
    policy: ConsultPolicy,
    groups: Sequence[Sequence[str]],
    *,
    profile: LatencyProfile,
    seed: int,
    timeout_seconds: float,
    answer: Answer,
) -> PolicyRun:
    """Classify every text of every group with ``policy``; a group is a call (or all utterances)."""
    clock = VirtualClock()
    stand_in = BedrockStandIn(LatencyStandIn(profile, seed), clock, answer, timeout_seconds=timeout_seconds)
    classify = make_classifier(
        policy, default_classifier(), BedrockClassifier(stand_in.client, "bench-model")
    )
    run = PolicyRun(policy)
    for texts in groups:
        before = len(stand_in.requests)
        for text in texts:
            started = clock.now
            classify(text)
            run.turn_seconds.append(clock.now - started)
        run.requests_per_group.append(len(stand_in.requests) - before)
    run.requests = stand_in.requests
    return run


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[rank]


def labelled_utterances(limit: int | None) -> list[tuple[str, Intent | None]]:
    """The labelled utterances (``intent`` None: out of domain), the first ``limit`` of them."""
    lines = UTTERANCES_FILE.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [(row["text"], Intent(row["intent"]) if row["intent"] else None) for row in rows][:limit]


def local_answer() -> Callable[[str], Intent]:
    local = default_classifier()
    return lambda text: local.classify(text).intent


def scripted_call_texts(limit: int | None) -> list[list[str]]:
    """Per scripted call, in turn order, the texts the Lex hook classified during the simulated call.

    Read from the call's conversation log (``records`` of the call: a row per turn, with
    ``classifier_source`` when the turn was classified and the caller's words as stored, personal
    data masked), so they do not depend on the policy the simulated hook runs with.
    """
    from scenarios.calls import SCRIPTED_CALLS
    from scenarios.test_cases import call_options
    from simulator.call import simulate_call
    from simulator.commands.test_case import call_settings
    from simulator.fakes import ScriptedCaller

    per_call: list[list[str]] = []
    for scripted in SCRIPTED_CALLS[:limit]:
        result = simulate_call(call_settings(call_options(scripted)), ScriptedCaller(scripted.says))
        rows = sorted(result.records.get("conversations", []), key=lambda row: int(row.get("turn", 0)))
        per_call.append([str(row.get("caller_text", "")) for row in rows if row.get("classifier_source")])
    return per_call


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"bench_bedrock_load: {message}\n")
        raise SystemExit(2)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = _Parser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--env", default="prod", help="environment whose pricing, quota and peak apply")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--median", type=float, default=0.7, help="Bedrock median latency, seconds")
    parser.add_argument("--p95", type=float, default=1.8, help="Bedrock p95 latency, seconds")
    parser.add_argument("--throttle", type=float, default=0.01, help="share of requests throttled")
    parser.add_argument("--calls", type=int, default=None, help="scripted calls to replay (default all)")
    parser.add_argument("--utterances", type=int, default=None, help="labelled utterances (default all)")
    arguments = parser.parse_args(argv)
    for name in ("calls", "utterances"):
        value = getattr(arguments, name)
        if value is not None and value < 1:
            parser.error(f"--{name} must be at least 1, got {value}")
    return arguments


def _latency_row(label: str, run: PolicyRun) -> str:
    ms = [seconds * 1000 for seconds in run.turn_seconds]
    return (
        f"| {label} | {run.policy.value} | {percentile(ms, 0.5):.0f} | {percentile(ms, 0.95):.0f} | "
        f"{percentile(ms, 0.99):.0f} | {run.consult_share:.0%} | {run.count('throttled')} | "
        f"{run.count('timeout')} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run both policies over the utterances and the scripted calls; print the report (Markdown)."""
    arguments = _arguments(argv)
    # The classifier and the simulated hook log every failed Bedrock call; the tables count them.
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        return _report(arguments)
    finally:
        logging.disable(previous)


def _report(arguments: argparse.Namespace) -> int:
    from config.settings import ConfigError, load_environment

    try:
        config = load_environment(arguments.env)
        profile = LatencyProfile(arguments.median, arguments.p95, arguments.throttle)
    except (ConfigError, ValueError) as error:
        sys.stderr.write(f"bench_bedrock_load: {error}\n")
        return 2
    timeout = config.bedrock_timeout_seconds
    common = {"profile": profile, "seed": arguments.seed, "timeout_seconds": timeout}

    utterances = labelled_utterances(arguments.utterances)
    labels = {sanitize_caller_text(text): intent for text, intent in utterances}
    local_intent = local_answer()

    def oracle(text: str) -> Intent | None:
        return labels[text] if text in labels else local_intent(text)

    utterance_groups = [[text for text, _ in utterances]]
    utterance_runs = [run_policy(policy, utterance_groups, answer=oracle, **common) for policy in POLICIES]
    calls = scripted_call_texts(arguments.calls)
    call_runs = [run_policy(policy, calls, answer=local_intent, **common) for policy in POLICIES]

    print(
        f"Bedrock stand-in: lognormal median {profile.median_seconds * 1000:.0f} ms, p95 "
        f"{profile.p95_seconds * 1000:.0f} ms (sigma {profile.sigma:.3f}), {profile.throttle_share:.1%} "
        f"throttled, time budget {timeout:g} s ({arguments.env}), seed {arguments.seed}"
    )
    print()
    print("| turns | policy | p50 ms | p95 ms | p99 ms | Bedrock consulted | throttled | timed out |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for run in utterance_runs:
        print(_latency_row(f"{run.turns} labelled utterances", run))
    for run in call_runs:
        print(_latency_row(f"{run.turns} turns of {len(calls)} scripted calls", run))
    print()
    pricing: BedrockPricing = config.bedrock_pricing
    print(
        f"Per 1,000 calls (scripted calls; ${pricing.input_usd_per_million_tokens:g} / "
        f"${pricing.output_usd_per_million_tokens:g} per million input / output tokens):"
    )
    print()
    print("| policy | Bedrock requests | input tokens | output tokens | cost USD |")
    print("|---|---:|---:|---:|---:|")
    per_call = 1000 / max(1, len(calls))
    for run in call_runs:
        cost = cost_per_thousand_calls(
            pricing,
            input_tokens_per_call=run.input_tokens / max(1, len(calls)),
            output_tokens_per_call=run.output_tokens / max(1, len(calls)),
        )
        print(
            f"| {run.policy.value} | {len(run.requests) * per_call:,.0f} | "
            f"{run.input_tokens * per_call:,.0f} | {run.output_tokens * per_call:,.0f} | {cost:.2f} |"
        )
    print()
    print(
        f"Capacity at peak: {config.peak_concurrent_callers:,} concurrent callers, a turn every "
        f"{config.seconds_per_turn:g} s; quota {config.bedrock_quota_rpm:,} requests/min "
        f"(alarm at {quota_alarm_threshold(config.bedrock_quota_rpm):,}):"
    )
    print()
    print("| policy | consult share | turns/min | Bedrock requests/min | of quota | callers within alarm |")
    print("|---|---:|---:|---:|---:|---:|")
    for run in call_runs:
        peak = PeakEstimate(
            callers=config.peak_concurrent_callers,
            seconds_per_turn=config.seconds_per_turn,
            consult_share=run.consult_share,
            quota_rpm=config.bedrock_quota_rpm,
        )
        within = peak.callers_within_quota
        print(
            f"| {run.policy.value} | {run.consult_share:.1%} | {peak.turns_per_minute:,.0f} | "
            f"{peak.requests_per_minute:,.0f} | {peak.quota_used:.0%} | "
            f"{'unbounded' if within is None else f'{within:,}'} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
