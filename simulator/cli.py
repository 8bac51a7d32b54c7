"""``python -m simulator``: the bot's understanding on the command line.

Subcommands (each one line per input line, one JSON object per output line, UTF-8)::

    python -m simulator [-v] classify [--bedrock off|fail|live] [--model-id ID] [--region R]
                                 [--remaining-seconds S] [--explain]
        {"text", "intent", "confidence", "source"}   (+ "fallback_reason" with --explain)
    python -m simulator [-v] faq
        {"text", "faq_id", "score"}                  (faq_id null under the threshold)
    python -m simulator [-v] call [--env E] [--channel VOICE|CHAT] [--at ISO] [--say TEXT]... [--json]
        one simulated call (see simulator/call.py)
    python -m simulator run-flow FILE [--type TYPE] [--channel C] [--say TEXT]... [--json]
        any flow document in a default world (see simulator/run_flow.py)
    python -m simulator conformance DIR
        check and run every flow of a folder (see simulator/conformance.py)

Input lines end at ``\\n`` only (a stray ``\\r`` or other control character inside a line stays
part of it, so the output has exactly as many lines as the input); a trailing ``\\r`` of a CRLF
file is dropped and bytes that are not UTF-8 are replaced with U+FFFD. Output is flushed line by
line so the tool can sit in a pipe. ``-v`` shows the bot's own warnings on stderr.

Each subcommand is a ``register_*`` function adding its parser and a ``run`` handler; a later
``call`` subcommand (the call simulator, :mod:`simulator.call`) plugs in the same way.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO, Final

# Importing this module imports the ``simulator`` package first, which puts ``lambda_src`` on
# ``sys.path``: the ``bot`` imports inside the handlers below resolve to the Lambda code.

#: Region of the contact center, used when none is given (CONTENT.md).
DEFAULT_REGION: Final = "ap-northeast-2"

#: Signature of a subcommand handler: parsed arguments, binary stdin and stdout → exit status.
Handler = Callable[[argparse.Namespace, BinaryIO, BinaryIO], int]

_UTF8_BOM: Final = "\ufeff"
_SCORE_DECIMALS: Final = 4


# --- shared line plumbing ----------------------------------------------------------------------


def iter_lines(stream: BinaryIO) -> Iterator[str]:
    """Yield each ``\\n``-terminated line of ``stream`` as text, whatever bytes it holds."""
    first = True
    for raw in stream:
        line = raw.removesuffix(b"\n").removesuffix(b"\r").decode("utf-8", errors="replace")
        if first:
            line = line.removeprefix(_UTF8_BOM)
            first = False
        yield line


def write_json_line(stream: BinaryIO, record: dict[str, Any]) -> None:
    """Write ``record`` as one JSON line (UTF-8, non-ASCII kept readable) and flush it."""
    stream.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    stream.flush()


def _print_error(message: str) -> None:
    print(f"simulator: error: {message}", file=sys.stderr)


# --- classify ------------------------------------------------------------------------------------


def _non_negative_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not (math.isfinite(seconds) and seconds >= 0):
        raise argparse.ArgumentTypeError(f"must be a non-negative number of seconds: {value!r}")
    return seconds


def register_classify(subparsers: Any) -> None:
    """Add the ``classify`` subcommand."""
    parser = subparsers.add_parser(
        "classify",
        help="classify one utterance per line of stdin",
        description=(
            "Read one utterance per line on stdin and write one JSON object per line: "
            '{"text", "intent", "confidence", "source"}.'
        ),
    )
    parser.add_argument(
        "--bedrock",
        choices=("off", "fail", "live"),
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
        "--explain",
        action="store_true",
        help='add "fallback_reason" (why the local classifier answered) to each line',
    )
    parser.set_defaults(handler=run_classify)


def _throttled_bedrock_client(region: str) -> Any:
    """A real bedrock-runtime client whose every Converse call fails with ThrottlingException.

    The client is genuine (dummy credentials, no network): botocore's Stubber answers instead of
    the service, so the real error mapping and fallback path run. A throttling error is queued
    on ``provide-client-params``, the first event of every call and before the Stubber's own
    handlers, so the Stubber never runs out of answers however many lines arrive.
    """
    import boto3
    from botocore.stub import Stubber

    from bot.bedrock_classifier import make_bedrock_runtime_client

    session = boto3.session.Session(
        aws_access_key_id="simulator",
        aws_secret_access_key="simulator",  # noqa: S106 - dummy credentials, never sent anywhere
        region_name=region,
    )
    client = make_bedrock_runtime_client(region=region, session=session)
    stubber = Stubber(client)

    def queue_throttling(**_: Any) -> None:
        stubber.add_client_error(
            "converse",
            service_error_code="ThrottlingException",
            service_message="Too many requests, please wait before trying again.",
            http_status_code=429,
        )

    client.meta.events.register("provide-client-params.bedrock-runtime.Converse", queue_throttling)
    stubber.activate()
    return client


def build_chain(args: argparse.Namespace) -> Any:
    """Build the classifier chain the ``classify`` options ask for."""
    from bot.bedrock_classifier import DEFAULT_MODEL_ID, BedrockClassifier, make_bedrock_runtime_client
    from bot.classifier_chain import ClassifierChain
    from bot.local_classifier import default_classifier

    local = default_classifier()
    if args.bedrock == "off":
        return ClassifierChain(local, None)
    model_id = args.model_id or os.environ.get("BEDROCK_MODEL_ID") or DEFAULT_MODEL_ID
    if args.bedrock == "fail":
        client = _throttled_bedrock_client(args.region or DEFAULT_REGION)
    else:
        region = (
            args.region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or DEFAULT_REGION
        )
        client = make_bedrock_runtime_client(region=region)
    return ClassifierChain(local, BedrockClassifier(client, model_id))


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
            "confidence": round(float(classification.confidence), _SCORE_DECIMALS),
            "source": classification.source,
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
            "error": type(error).__name__,
        }
    return record


def run_classify(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Handler of ``classify``."""
    chain = build_chain(args)
    for text in iter_lines(stdin):
        write_json_line(
            stdout,
            classify_record(chain, text, remaining_seconds=args.remaining_seconds, explain=args.explain),
        )
    return 0


# --- faq -----------------------------------------------------------------------------------------


def register_faq(subparsers: Any) -> None:
    """Add the ``faq`` subcommand."""
    parser = subparsers.add_parser(
        "faq",
        help="match one question per line of stdin against the FAQ",
        description=(
            "Read one question per line on stdin and write one JSON object per line: "
            '{"text", "faq_id", "score"}; faq_id is null when no FAQ clears the threshold.'
        ),
    )
    parser.set_defaults(handler=run_faq)


def faq_record(matcher: Any, text: str) -> dict[str, Any]:
    """Match one line into its output record; never raises."""
    if not text.strip():
        return {"text": text, "faq_id": None, "score": 0.0}
    try:
        best = matcher.best(text)
        match = matcher.match(text)
    except Exception as error:
        # FaqMatcher is total; this only keeps the one-line-per-line promise if it ever is not.
        return {"text": text, "faq_id": None, "score": 0.0, "error": type(error).__name__}
    return {
        "text": text,
        "faq_id": match.faq_id if match is not None else None,
        "score": round(float(best.score), _SCORE_DECIMALS) if best is not None else 0.0,
    }


def run_faq(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Handler of ``faq``."""
    from bot.faq import FaqMatcher, load_faq_entries

    matcher = FaqMatcher(load_faq_entries())
    for text in iter_lines(stdin):
        write_json_line(stdout, faq_record(matcher, text))
    return 0


# --- entry point ---------------------------------------------------------------------------------


def register_call(subparsers: Any) -> None:
    """Add the ``call`` subcommand (the call simulator, :mod:`simulator.call`)."""
    from simulator.call import register_call as register

    register(subparsers)


def register_run_flow(subparsers: Any) -> None:
    """Add the ``run-flow`` subcommand (any flow document in a default world, :mod:`simulator.run_flow`)."""
    from simulator.run_flow import register_run_flow as register

    register(subparsers)


def register_conformance(subparsers: Any) -> None:
    """Add the ``conformance`` subcommand (check and run a folder of flows, :mod:`simulator.conformance`)."""
    from simulator.conformance import register_conformance as register

    register(subparsers)


#: Subcommands in help order; a new one is one more ``register_*`` function here.
SUBCOMMANDS: Final[tuple[Callable[[Any], None], ...]] = (
    register_classify,
    register_faq,
    register_call,
    register_run_flow,
    register_conformance,
)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Exercise the contact-center bot's understanding locally.",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log the bot's warnings (such as each failed Bedrock call) on stderr",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in SUBCOMMANDS:
        register(subparsers)
    return parser


def _configure_logging(*, verbose: bool) -> None:
    # The bot logs every fallback for operators; on the command line that is noise on stderr
    # (``--explain`` shows the reasons in the output instead), so it is shown only on request.
    logging.basicConfig(
        level=logging.WARNING if verbose else logging.CRITICAL + 1,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
) -> int:
    """Run the command line; returns the exit status (argparse exits 2 itself on bad options)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    _configure_logging(verbose=args.verbose)
    in_stream = stdin if stdin is not None else sys.stdin.buffer
    out_stream = stdout if stdout is not None else sys.stdout.buffer
    try:
        return handler(args, in_stream, out_stream)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, and keep Python from complaining
        # again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as error:
        _print_error(f"{type(error).__name__}: {error}")
        return 1
