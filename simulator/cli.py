"""``python -m simulator``: the command line of the offline contact center.

Subcommands (one module each under :mod:`simulator.commands`, its parser and its handler)::

    python -m simulator [-v] classify [--bedrock off|fail|live] [--model-id ID] [--region R]
                                 [--remaining-seconds S] [--consult when_unsure|always] [--explain]
        {"text", "intent", "confidence", "source", "consulted_bedrock"}   (+ "fallback_reason" with --explain)
    python -m simulator [-v] faq
        {"text", "faq_id", "score"}                  (faq_id null under the threshold)
    python -m simulator [-v] call [--env E] [--channel VOICE|CHAT] [--at ISO] [--say TEXT]... [--json]
        one simulated call (see simulator/commands/call.py and simulator/call.py)
    python -m simulator run-flow FILE [--type TYPE] [--channel C] [--say TEXT]... [--json]
        any flow document in a default world (see simulator/commands/run_flow.py)
    python -m simulator conformance DIR
        check and run every flow of a folder (see simulator/commands/conformance.py)
    python -m simulator test-case FILE | --scenario NAME | --record [--env E] [--json]
        a Connect test case (Testing language) run offline (see simulator/commands/test_case.py)
    python -m simulator chat [--env E] [--port P] [--at ISO] [--page-dir DIR]
        the chat page against a local simulated contact center (see simulator/chat_server/)

``classify`` and ``faq`` read one line per input line and write one JSON object per output line
(UTF-8). Input lines end at ``\\n`` only (a stray ``\\r`` or other control character inside a
line stays part of it, so the output has exactly as many lines as the input); a trailing ``\\r``
of a CRLF file is dropped and bytes that are not UTF-8 are replaced with U+FFFD. Output is
flushed line by line so the tool can sit in a pipe. ``-v`` shows the bot's own warnings on
stderr. A bad option is one line on stderr and exit 2.

The simulator's modules below never import this one or :mod:`simulator.commands`: the command
line sits on top (``tests/simulator/test_layout.py`` checks the import graph).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, Final

# Importing this module imports the ``simulator`` package first, which puts ``lambda_src`` on
# ``sys.path``: the ``bot`` and ``handlers`` imports of the subcommands resolve to the Lambda code.
from simulator.commands import call, chat, classify, conformance, faq, run_flow, test_case
from simulator.commands.common import Handler

#: Subcommands in help order; a new one is one more module with a ``register`` function.
SUBCOMMANDS: Final[tuple[Callable[[Any], None], ...]] = (
    classify.register,
    faq.register,
    call.register,
    run_flow.register,
    conformance.register,
    test_case.register,
    chat.register,
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


def _print_error(message: str) -> None:
    print(f"simulator: error: {message}", file=sys.stderr)


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
