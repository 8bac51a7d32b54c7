"""The chat page's JavaScript under Node's own test runner, on a fresh build.

``web/chat-page/tests/modules.test.js`` covers the pure modules (config.json, the start-chat call,
chat items in Korea time, typing events, the Korean sentences); ``page.test.js`` runs the built
page in jsdom with chatjs's ChatSession replaced by a fake: the start form, the chat, typing and
connection state, the end of the chat, the local participant endpoint and the API's Korean errors.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from constructs_lib.chat_page_site import CHAT_PAGE_SOURCE
from tests.web.test_chat_page_bundle import NODE, build_page


def test_the_pages_node_tests_pass(tmp_path: Path) -> None:
    dist = build_page(tmp_path / "dist")
    tests = sorted(str(path) for path in (CHAT_PAGE_SOURCE / "tests").glob("*.test.js"))
    assert len(tests) == 2
    run = subprocess.run(  # noqa: S603 - the project's Node on our own test files
        [str(NODE), "--test", "--test-reporter=spec", *tests],
        env={**os.environ, "CHAT_PAGE_DIST": str(dist)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    summary = dict(
        re.findall(r"^ℹ (tests|pass|fail|skipped|todo|cancelled) (\d+)$", run.stdout, re.MULTILINE)
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert int(summary["tests"]) >= 14
    assert summary["pass"] == summary["tests"]
    assert summary["fail"] == summary["skipped"] == summary["todo"] == summary["cancelled"] == "0"
