"""``python -m simulator faq``: the FAQ matcher, one JSON line per input line.

Output: ``{"text", "faq_id", "score"}``; ``faq_id`` is null when no FAQ clears the threshold.
"""

from __future__ import annotations

import argparse
from typing import Any, BinaryIO

from simulator.commands.common import SCORE_DECIMALS, iter_lines, write_json_line


def register(subparsers: Any) -> None:
    """Add the ``faq`` subcommand."""
    parser = subparsers.add_parser(
        "faq",
        help="match one question per line of stdin against the FAQ",
        description=(
            "Read one question per line on stdin and write one JSON object per line: "
            '{"text", "faq_id", "score"}; faq_id is null when no FAQ clears the threshold.'
        ),
    )
    parser.set_defaults(handler=run)


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
        "score": round(float(best.score), SCORE_DECIMALS) if best is not None else 0.0,
    }


def run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Handler of ``faq``."""
    from bot.faq import FaqMatcher, load_faq_entries

    matcher = FaqMatcher(load_faq_entries())
    for text in iter_lines(stdin):
        write_json_line(stdout, faq_record(matcher, text))
    return 0
