"""``python -m simulator chat``: chat with the bot in a browser, offline (``make chat``).

Serves the built chat page and a local start-chat API + participant service backed by the
simulator (:mod:`simulator.chat_server`). Prints one line with the page's URL once the port is
bound, then serves until interrupted. ``--port 0`` picks a free port (the tests do). Exit 2 for a
bad option value or a port that cannot be bound (one line on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from simulator.chat_server import PAGE_DIR
from simulator.commands.call import parse_at
from simulator.commands.common import one_line_errors, whole_number

DEFAULT_PORT = 8766
MAX_PORT = 65535


def port_number(value: str) -> int:
    """A TCP port 0-65535 (0: any free port)."""
    port = whole_number(value)
    if port > MAX_PORT:
        raise argparse.ArgumentTypeError(f"must be a port number 0-{MAX_PORT}: {value!r}")
    return port


def register(subparsers: Any) -> None:
    """Add the ``chat`` subcommand."""
    parser = subparsers.add_parser(
        "chat",
        help="serve the chat page against a local, simulated contact center (no AWS)",
        description=(
            "Serve the chat page on 127.0.0.1 with a local start-chat API and participant service: "
            "every chat runs the real flows, bot and handlers offline."
        ),
    )
    one_line_errors(parser)
    parser.add_argument("--env", default="dev", help="environment of config/environments.json (default dev)")
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0: any)",
    )
    parser.add_argument(
        "--at",
        type=parse_at,
        default=None,
        help="simulated start time of the first chat, ISO-8601 (default: each chat starts now, Korea time)",
    )
    parser.add_argument(
        "--page-dir", type=Path, default=PAGE_DIR, help="the built page (default web/chat-page/dist)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Handler of ``chat``: serves until interrupted (130), 2 for a bad environment or port."""
    from config.settings import ConfigError, load_environment
    from simulator.chat_server.app import serve
    from simulator.chat_server.contacts import ChatEngine

    prog = "python -m simulator chat"
    try:
        load_environment(args.env)
    except ConfigError as error:
        sys.stderr.write(f"{prog}: error: {error}\n")
        return 2
    at: datetime | None = args.at

    def ready(base_url: str) -> None:
        moment = at.isoformat() if at is not None else "now (Korea time)"
        page = "" if (args.page_dir / "index.html").is_file() else " (page not built: run make chat-page)"
        line = f"Chat page: {base_url}/ (env {args.env}, simulated time {moment}; Ctrl+C stops){page}\n"
        stdout.write(line.encode("utf-8"))
        stdout.flush()

    with ChatEngine.running(args.env, at, verbose=bool(getattr(args, "verbose", False))) as engine:
        try:
            asyncio.run(serve(engine, port=args.port, page_dir=args.page_dir, on_ready=ready))
        except OSError as error:
            sys.stderr.write(f"{prog}: error: cannot listen on 127.0.0.1:{args.port}: {error.strerror}\n")
            return 2
    return 0
