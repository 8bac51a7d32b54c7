"""``python -m simulator call``: call the contact center offline, by script or in the terminal.

The options become :class:`simulator.world.CallSettings`; the call itself is
:func:`simulator.call.simulate_call`. Without ``--say`` the call is interactive (a line typed is
one input; an empty line or end of input is silence); with ``--json`` stdout carries exactly one
object ``{"outcome", "queue", "prompts", "attributes", "path", "records"}`` when the call ends
(``records``: the rows each table but the FAQ holds at the end, by table key, as written). Exit 0
for any completed call, 2 for a bad option value (one line on stderr). ``--press KEYS`` is an input
of keypad keys, in order with ``--say``: on voice the bot takes keys too (``20260001#``), as any
``--say`` made only of ``0-9#*`` (``simulator.lex_session``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, BinaryIO

from contract import CustomerTier
from simulator.call import simulate_call
from simulator.callbacks import CallbackDesk
from simulator.commands.common import one_line_errors, upper_choice, whole_number
from simulator.fakes import InteractiveCaller, ScriptedCaller
from simulator.faults import FAULT_KINDS, FAULT_TABLES, TableFault, parse_fault
from simulator.world import (
    BEDROCK_MODES,
    CHANNELS,
    CHAT_INPUT_MODES,
    DEFAULT_CALLER,
    FAILING_FUNCTIONS,
    TIERS,
    CallSettings,
)


def parse_at(value: str) -> datetime:
    """ISO-8601 date-time; without an offset it is Korea time."""
    from bot.models import KST

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 date-time: {value!r}") from None
    return moment.replace(tzinfo=KST) if moment.tzinfo is None else moment.astimezone(KST)


def parse_caller(value: str) -> str:
    """A phone number in E.164 (``+8210…``) or Korean national form (``010-…``), returned as E.164."""
    from bot.personal_data import to_e164

    number = to_e164(value)
    if number is None:
        raise argparse.ArgumentTypeError(f"not a phone number: {value!r} (use E.164, e.g. +821012345678)")
    return number


def key_presses(value: str) -> str:
    """``--press``: keypad keys (``0-9``, ``#``, ``*``), e.g. ``20260001#``."""
    from simulator.lex_session import DTMF_RE

    keys = value.replace(" ", "")
    if not DTMF_RE.fullmatch(keys):
        raise argparse.ArgumentTypeError(f"keypad keys are 0-9, # and *: {value!r}")
    return keys


def fault_option(value: str) -> TableFault:
    """``TABLE:stall`` or ``TABLE:error`` for a table key of the contract."""
    try:
        return parse_fault(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def register(subparsers: Any) -> None:
    """Add the ``call`` subcommand."""
    parser = subparsers.add_parser(
        "call",
        help="call the contact center offline (flows, bot, Lambda and tables run locally)",
        description=(
            "Simulate one call through the real contact flows, Lex hook and contact-flow function. "
            "Without --say the call is interactive; --json prints one object when the call ends."
        ),
    )
    one_line_errors(parser)
    parser.add_argument("--env", default="dev", help="environment of config/environments.json (default dev)")
    parser.add_argument(
        "--channel", type=upper_choice(CHANNELS), default="VOICE", help="VOICE (default) or CHAT"
    )
    parser.add_argument(
        "--at", type=parse_at, default=None, help="ISO-8601 time of the call (default now, Korea time)"
    )
    parser.add_argument(
        "--caller",
        type=parse_caller,
        default=DEFAULT_CALLER,
        help=f"caller number (default {DEFAULT_CALLER})",
    )
    parser.add_argument(
        "--customer-tier",
        type=upper_choice(TIERS),
        default=CustomerTier.STANDARD.value,
        help="tier of the seeded caller profile",
    )
    parser.add_argument(
        "--agents-available", type=whole_number, default=1, help="agents available (default 1)"
    )
    parser.add_argument(
        "--contacts-in-queue",
        type=whole_number,
        default=0,
        help="contacts already waiting (default 0); at the queue's max_contacts it is at capacity",
    )
    parser.add_argument("--bedrock", choices=BEDROCK_MODES, default="off", help="off (default), fail or live")
    parser.add_argument("--model-id", default=None, help="model or inference profile for --bedrock live")
    parser.add_argument(
        "--region", default=None, help="AWS region for --bedrock live (default: the environment's)"
    )
    parser.add_argument(
        "--say",
        action="append",
        default=None,
        metavar="TEXT",
        help="the caller's next input (repeatable); digits at a keypad prompt are key presses",
    )
    parser.add_argument(
        "--press",
        action="append",
        dest="say",
        type=key_presses,
        metavar="KEYS",
        help="the caller's next input as keypad keys, in order with --say (e.g. 20260001#: on voice "
        "the bot takes keys too, # ends the entry, * clears it)",
    )
    parser.add_argument(
        "--fail-function",
        action="append",
        choices=FAILING_FUNCTIONS,
        default=None,
        metavar="NAME",
        help="make a function time out on every invocation (contact_flow or lex_hook; repeatable)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        type=fault_option,
        default=None,
        metavar="TABLE:KIND",
        help=(
            f"make a table {' or '.join(FAULT_KINDS)} for the handlers (repeatable); "
            f"TABLE: {', '.join(FAULT_TABLES)}"
        ),
    )
    parser.add_argument(
        "--chat-input",
        choices=CHAT_INPUT_MODES,
        default="typed",
        help=(
            "chat input blocks without Lex: typed (default), unsupported (they take the error "
            "branch) or stored-unsupported (typed choices work, stored input takes the error branch)"
        ),
    )
    parser.add_argument(
        "--faq-first",
        choices=("on", "off"),
        default=None,
        help=(
            "answer a strongly matching FAQ before escalating a technical, payment or cancellation "
            "request (default: the environment's faq_first)"
        ),
    )
    parser.add_argument(
        "--callback-dialing",
        choices=("on", "off"),
        default=None,
        help=(
            "whether the queues can dial callbacks (default: as deployed, with a claimed number): "
            "on makes a voice callback booked while agents work a queued callback"
        ),
    )
    parser.add_argument(
        "--connect-refuses",
        action="append",
        choices=sorted(CallbackDesk.HANDLED),
        default=None,
        metavar="ACTION",
        help="a callback action Connect refuses, as when a service quota is reached (repeatable)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object when the call ends (with the rows the tables hold: records)",
    )
    parser.set_defaults(handler=run)


def settings_from_args(
    args: argparse.Namespace, *, now: Callable[[], datetime] | None = None
) -> CallSettings:
    """The call's settings from parsed options (``--at`` defaults to now in Korea time)."""
    from bot.models import KST

    at = args.at if args.at is not None else (now() if now is not None else datetime.now(KST))
    return CallSettings(
        at=at,
        env=args.env,
        channel=args.channel,
        caller=args.caller,
        customer_tier=args.customer_tier,
        agents_available=args.agents_available,
        contacts_in_queue=args.contacts_in_queue,
        bedrock=args.bedrock,
        model_id=args.model_id,
        region=args.region,
        failing_functions=frozenset(args.fail_function or ()),
        chat_input=args.chat_input,
        faults=tuple(dict.fromkeys(getattr(args, "fault", None) or ())),
        refused_actions=frozenset(getattr(args, "connect_refuses", None) or ()),
        callback_dialing=(
            None if getattr(args, "callback_dialing", None) is None else args.callback_dialing == "on"
        ),
        faq_first=None if getattr(args, "faq_first", None) is None else args.faq_first == "on",
    )


def run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Handler of ``call``: 0 for any completed call, 2 for a bad option value."""
    from config.settings import ConfigError, load_environment

    try:
        load_environment(args.env)
    except ConfigError as error:
        sys.stderr.write(f"python -m simulator call: error: {error}\n")
        return 2
    settings = settings_from_args(args)
    # With --json stdout carries the one JSON object only; an interactive call then talks on stderr.
    display: BinaryIO = stdout if not args.json else sys.stderr.buffer

    def write_line(stream: BinaryIO, text: str) -> None:
        stream.write((text + "\n").encode("utf-8"))
        stream.flush()

    speaker = "센터" if settings.channel == "VOICE" else "상담봇"
    interactive = args.say is None
    on_prompt = None
    if interactive or not args.json:
        on_prompt = lambda text: write_line(display, f"{speaker}: {text}")  # noqa: E731
    caller: Any
    if interactive:
        caller = InteractiveCaller(stdin, display)
    else:
        echo = None if args.json else (lambda text: write_line(display, f"고객: {text}"))
        caller = ScriptedCaller(args.say, echo=echo)
    result = simulate_call(
        settings, caller, on_prompt=on_prompt, verbose=bool(getattr(args, "verbose", False))
    )
    if args.json:
        write_line(stdout, json.dumps(result.as_json(), ensure_ascii=False))
    else:
        queue = f" ({result.queue})" if result.queue else ""
        write_line(stdout, f"-- 통화 종료: {result.outcome.value}{queue}")
    return 0
