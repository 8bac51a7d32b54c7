"""What several subcommands share: one-line usage errors, option types and line plumbing."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO, Final, NoReturn

#: Signature of a subcommand handler: parsed arguments, binary stdin and stdout → exit status.
Handler = Callable[[argparse.Namespace, BinaryIO, BinaryIO], int]

#: Decimals of the scores and confidences that ``classify`` and ``faq`` print.
SCORE_DECIMALS: Final = 4
_UTF8_BOM: Final = "\ufeff"


# --- parsers -------------------------------------------------------------------------------------


def one_line_errors(parser: argparse.ArgumentParser) -> None:
    """Make ``parser`` report a bad option as one line and exit 2 (argparse prints the usage too).

    Unknown options would reach the top-level parser (usage again), so they are refused here.
    """

    def error(message: str) -> NoReturn:
        parser.exit(2, f"{parser.prog}: error: {message}\n")

    parse_known_args = parser.parse_known_args

    def parse_known_args_strictly(args: Any = None, namespace: Any = None) -> Any:
        parsed, extras = parse_known_args(args, namespace)
        if extras:
            error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras

    parser.error = error  # type: ignore[method-assign]
    parser.parse_known_args = parse_known_args_strictly  # type: ignore[method-assign]


def upper_choice(choices: Sequence[str]) -> Callable[[str], str]:
    """An option type: one of ``choices``, in any letter case (returned in upper case)."""

    def parse(value: str) -> str:
        upper = value.strip().upper()
        if upper not in choices:
            raise argparse.ArgumentTypeError(f"must be one of {', '.join(choices)}: {value!r}")
        return upper

    return parse


def whole_number(value: str) -> int:
    """An option type: a whole number >= 0, written in digits only."""
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0: {value!r}")
    return int(value)


# --- line plumbing -------------------------------------------------------------------------------


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
