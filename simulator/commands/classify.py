"""``python -m simulator classify``: the bot's intent classification, one JSON line per input line.

Output: ``{"text", "intent", "confidence", "source", "consulted_bedrock"}`` (+ ``"fallback_reason"``
with ``--explain``). ``--bedrock off`` (default) uses the local classifier, ``fail`` a Bedrock
client that is throttled on every call (:func:`simulator.fakes.throttled_bedrock_client`), ``live``
real Bedrock with your AWS credentials. ``--consult`` is the chain's policy (``when_unsure``, the
deployed default, asks Bedrock only when the local classifier is not sure; ``always`` asks it on
every line with words), so ``consulted_bedrock`` shows which lines would cost a Bedrock request.
"""

from __future__ import annotations

import argparse
import math
import os
from typing import Any, BinaryIO

from contract import ConsultPolicy, EnvVar
from simulator.commands.common import SCORE_DECIMALS, iter_lines, write_json_line
from simulator.world import BEDROCK_MODES


def _non_negative_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not (math.isfinite(seconds) and seconds >= 0):
        raise argparse.ArgumentTypeError(f"must be a non-negative number of seconds: {value!r}")
    return seconds


def register(subparsers: Any) -> None:
    """Add the ``classify`` subcommand."""
    from handlers.settings import DEFAULT_REGION

    parser = subparsers.add_parser(
        "classify",
        help="classify one utterance per line of stdin",
        description=(
            "Read one utterance per line on stdin and write one JSON object per line: "
            '{"text", "intent", "confidence", "source", "consulted_bedrock"}.'
        ),
    )
    parser.add_argument(
        "--bedrock",
        choices=BEDROCK_MODES,
        default="off",
        help=(
            "off: local classifier only (default); fail: a Bedrock client that is throttled on "
            "every call, to exercise the fallback; live: real Bedrock with your AWS credentials"
        ),
    )
    parser.add_argument(
        "--model-id",
        default=None,
        help="model or inference-profile id for --bedrock live (default: $BEDROCK_MODEL_ID, "
        "else the documented APAC Claude Haiku profile)",
    )
    parser.add_argument(
        "--region",
        default=None,
        help=f"AWS region for Bedrock (default: $AWS_REGION, else {DEFAULT_REGION})",
    )
    parser.add_argument(
        "--remaining-seconds",
        type=_non_negative_seconds,
        default=None,
        help="pretend the Lambda has this much time left (drives the Bedrock budget)",
    )
    parser.add_argument(
        "--consult",
        choices=[policy.value for policy in ConsultPolicy],
        default=ConsultPolicy.WHEN_UNSURE.value,
        help=(
            "when Bedrock is asked: when_unsure (default, as deployed): only when the local "
            "classifier is not sure; always: on every line with words"
        ),
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help='add "fallback_reason" (why the local classifier answered) to each line',
    )
    parser.set_defaults(handler=run)


def build_chain(args: argparse.Namespace) -> Any:
    """Build the classifier chain the ``classify`` options ask for."""
    from bot.bedrock_classifier import DEFAULT_MODEL_ID, BedrockClassifier, make_bedrock_runtime_client
    from bot.classifier_chain import ClassifierChain
    from bot.local_classifier import default_classifier
    from handlers.settings import DEFAULT_REGION
    from simulator.fakes import throttled_bedrock_client

    local = default_classifier()
    if args.bedrock == "off":
        return ClassifierChain(local, None)
    model_id = args.model_id or os.environ.get(EnvVar.BEDROCK_MODEL_ID) or DEFAULT_MODEL_ID
    if args.bedrock == "fail":
        client = throttled_bedrock_client(args.region or DEFAULT_REGION)
    else:
        region = (
            args.region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or DEFAULT_REGION
        )
        client = make_bedrock_runtime_client(region=region)
    return ClassifierChain(local, BedrockClassifier(client, model_id), policy=ConsultPolicy(args.consult))


def classify_record(
    chain: Any, text: str, *, remaining_seconds: float | None, explain: bool
) -> dict[str, Any]:
    """Classify one line into its output record; never raises."""
    try:
        result = chain.classify(text, remaining_time_seconds=remaining_seconds)
        classification = result.classification
        record: dict[str, Any] = {
            "text": text,
            "intent": classification.intent.value,
            "confidence": round(float(classification.confidence), SCORE_DECIMALS),
            "source": classification.source,
            "consulted_bedrock": bool(result.consulted_bedrock),
        }
        if explain:
            record["fallback_reason"] = result.fallback_reason
    except Exception as error:
        # The chain never raises; this only keeps the one-line-per-line promise if it ever does.
        return {
            "text": text,
            "intent": None,
            "confidence": 0.0,
            "source": None,
            "consulted_bedrock": False,
            "error": type(error).__name__,
        }
    return record


def run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Handler of ``classify``."""
    chain = build_chain(args)
    for text in iter_lines(stdin):
        write_json_line(
            stdout,
            classify_record(chain, text, remaining_seconds=args.remaining_seconds, explain=args.explain),
        )
    return 0
