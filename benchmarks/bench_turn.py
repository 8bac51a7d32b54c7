"""Latency of one Lex hook turn without network: local classifier, in-memory tables.

The measured path is the real one, ``handlers.lex_hook.handle_event``: event parsing, the engine
(normalization, local classification, FAQ matching, dialogs, escalation rules), the response,
the conversation-log write (in memory) and the JSON log line (written to /dev/null). Only the
network is gone: no Bedrock, no DynamoDB, and metrics are not published.

Target (issue 3, Speed): p99 < 10 ms.

Usage: ``python benchmarks/bench_turn.py [--turns 3000]`` from the repository root.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
# The asset root for the bot's packages; the repository root for the tests' in-memory repositories.
sys.path[:0] = [str(REPO_ROOT / "lambda_src"), str(REPO_ROOT)]

from bot.classifier_chain import ClassifierChain  # noqa: E402 - the asset root must be on the path first
from bot.engine import BotEngine  # noqa: E402
from bot.faq import FaqMatcher, load_faq_entries  # noqa: E402
from bot.local_classifier import default_classifier  # noqa: E402
from bot.models import KST  # noqa: E402
from contract import ContactAttribute  # noqa: E402
from handlers import lex_hook  # noqa: E402
from handlers.observability import logger  # noqa: E402
from tests.support.memory import (  # noqa: E402
    InMemoryConversationLog,
    InMemoryOrderRepository,
    InMemoryReservationRepository,
)

TARGET_P99_MS = 10.0
EVENTS_DIR = REPO_ROOT / "tests" / "events"

#: Utterances of every kind: FAQ paraphrases, intents, dialog starts, noise, long input.
UTTERANCES = (
    "안녕하세요",
    "배송 보통 며칠 걸려요?",
    "영업시간이 어떻게 되나요",
    "결제 방법 뭐 있어요",
    "비밀번호를 잊어버렸어요",
    "반품은 언제까지 되나요",
    "주문 취소해 주세요",
    "상담원 연결해 주세요",
    "배송이 일주일째 안 와서 정말 화나요",
    "앱이 자꾸 꺼져요",
    "예약하고 싶어요",
    "노트북 가격 좀 알려주세요",
    "주문한 거 어디쯤 왔는지 알려주세요",
    "해외 배송도 하나요?",
    "음 그러니까 그게 저기요",
    "감사합니다 수고하세요",
    "긴급이에요 당장 처리해 주세요",
    "제 번호는 010-1234-5678이에요",
    "가" * 1000,
    "",
)


class _Context:
    aws_request_id = "bench"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 8000


def build_app() -> lex_hook.LexHookApp:
    """The hook's app with the real engine and local classifier, and in-memory storage."""
    entries = load_faq_entries()
    engine = BotEngine(
        classifier=ClassifierChain(default_classifier(), None),
        faq_matcher=FaqMatcher(entries),
        orders=InMemoryOrderRepository(),
        reservations=InMemoryReservationRepository(),
    )
    fixed_now = datetime(2025, 11, 24, 10, 0, tzinfo=KST)
    return lex_hook.LexHookApp(
        engine=engine, conversation_log=InMemoryConversationLog(), clock=lambda: fixed_now
    )


def events(count: int) -> list[dict[str, Any]]:
    """``count`` events cycling through the utterances, each on its own contact (turn 1)."""
    template = json.loads((EVENTS_DIR / "lex_greeting.json").read_text(encoding="utf-8"))
    built = []
    for index in range(count):
        event = copy.deepcopy(template)
        event["inputTranscript"] = UTTERANCES[index % len(UTTERANCES)]
        event["sessionState"]["sessionAttributes"][ContactAttribute.CONTACT_ID] = f"bench-{index}"
        built.append(event)
    return built


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


def main() -> int:
    """Measure and print p50/p90/p99/max; exit 1 when p99 misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=3000)
    arguments = parser.parse_args()

    handler = logger.registered_handler
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        handler.setStream(devnull)  # type: ignore[attr-defined]
        app = build_app()
        context = _Context()
        for event in events(200):  # warm-up: caches, first-use imports
            lex_hook.handle_event(event, context, app_provider=lambda: app)
        timings: list[float] = []
        for event in events(arguments.turns):
            started = time.perf_counter()
            lex_hook.handle_event(event, context, app_provider=lambda: app)
            timings.append((time.perf_counter() - started) * 1000)

    timings.sort()
    p99 = percentile(timings, 0.99)
    print(f"Python {sys.version.split()[0]}, {len(timings)} turns, {len(UTTERANCES)} distinct utterances")
    print(
        f"p50 {percentile(timings, 0.50):.2f} ms  p90 {percentile(timings, 0.90):.2f} ms  "
        f"p99 {p99:.2f} ms  max {timings[-1]:.2f} ms  mean {statistics.fmean(timings):.2f} ms"
    )
    verdict = "OK" if p99 < TARGET_P99_MS else "TOO SLOW"
    print(f"p99 {p99:.2f} ms (target < {TARGET_P99_MS:.0f} ms) {verdict}")
    return 0 if p99 < TARGET_P99_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
