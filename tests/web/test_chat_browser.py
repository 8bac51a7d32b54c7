"""The chat page in headless Chromium against the local simulated contact center (``make chat``).

A real browser (Debian's ``chromium`` and ``chromium-driver``, installed by ``make browser``; no
browser or driver is ever downloaded) loads the built page from ``python -m simulator chat``,
which runs the real flows, Lex simulation, handlers and moto tables. Like a customer, each test
types a name, presses 상담 시작 and chats:

* an FAQ question is answered with the FAQ's answer verbatim (``lambda_src/bot/data/faq.json``);
* asking for an agent in business hours gets the transfer message (``bot.messages.ESCALATE``);
* asking for an agent after hours (a server started at a fixed after-hours ``--at``) gets the
  chat wording of the flow's callback offer, and booking one ends the chat with its confirmation.

Screenshots of every scenario are saved to ``test-artifacts/web/`` (gitignored; CI can keep them).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.chat_server import PAGE_DIR
from simulator.chat_server.browser import ChatPage, LocalChatServer, chromium

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "web"
FAQ_FILE = REPO_ROOT / "lambda_src" / "bot" / "data" / "faq.json"
INBOUND_FLOW = REPO_ROOT / "contact_flows" / "inbound.json"
#: A weekday (Tuesday 1 December 2026) in business hours, and the same evening after hours.
BUSINESS_HOURS = "2026-12-01T10:00:00+09:00"
AFTER_HOURS = "2026-12-01T22:00:00+09:00"
GREETING_END = "무엇을 도와드릴까요?"
AGENT_REQUEST = "상담원 연결해 주세요"

pytestmark = pytest.mark.xdist_group("chat-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (PAGE_DIR / "index.html").is_file():
        pytest.fail(f"the chat page is not built: {PAGE_DIR} (run make chat-page)")
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def business_hours_server() -> Iterator[LocalChatServer]:
    with LocalChatServer(at=BUSINESS_HOURS, log=ARTIFACTS / "server-business-hours.log") as server:
        yield server


@pytest.fixture(scope="module")
def after_hours_server() -> Iterator[LocalChatServer]:
    with LocalChatServer(at=AFTER_HOURS, log=ARTIFACTS / "server-after-hours.log") as server:
        yield server


def _started_chat(browser: Any, server: LocalChatServer) -> ChatPage:
    page = ChatPage(browser, server.url)
    page.open()
    page.start("김민수")
    page.wait_for_bot(GREETING_END)
    return page


def _faq_entry(faq_id: str) -> dict[str, Any]:
    document = json.loads(FAQ_FILE.read_text(encoding="utf-8"))
    return next(entry for entry in document["faqs"] if entry["id"] == faq_id)


def _flow_texts(fragment: str) -> list[str]:
    """Every prompt text of the inbound flow that contains ``fragment``."""
    document = json.loads(INBOUND_FLOW.read_text(encoding="utf-8"))
    texts = [action.get("Parameters", {}).get("Text") for action in document["Actions"]]
    return [text for text in texts if isinstance(text, str) and fragment in text]


def test_an_faq_question_is_answered_verbatim(browser: Any, business_hours_server: LocalChatServer) -> None:
    entry = _faq_entry("delivery_time")
    page = _started_chat(browser, business_hours_server)
    page.say(entry["question"])
    page.wait_for_bot(entry["answer"])
    page.screenshot(ARTIFACTS / "faq-answered.png")
    # Said once, as one whole message, after the greeting.
    messages = page.bot_messages()
    assert messages.count(entry["answer"]) == 1
    assert messages.index(entry["answer"]) > messages.index(GREETING_END)


def test_an_agent_request_gets_the_transfer_message(
    browser: Any, business_hours_server: LocalChatServer
) -> None:
    from bot.messages import ESCALATE

    page = _started_chat(browser, business_hours_server)
    page.say(AGENT_REQUEST)
    page.wait_for_bot(ESCALATE)
    page.screenshot(ARTIFACTS / "agent-transfer.png")
    # In business hours there is no callback offer: the chat waits for an agent.
    assert not any("콜백" in message for message in page.bot_messages())


def test_after_hours_an_agent_request_gets_the_callback_offer(
    browser: Any, after_hours_server: LocalChatServer
) -> None:
    from bot.messages import ESCALATE

    offers = [text for text in _flow_texts("콜백 예약을 원하시면") if "입력해 주세요" in text]
    assert len(offers) == 1, offers  # the chat wording (voice says 눌러 주세요)
    page = _started_chat(browser, after_hours_server)
    page.say(AGENT_REQUEST)
    page.wait_for_bot(offers[0])
    assert ESCALATE in page.bot_messages()
    page.screenshot(ARTIFACTS / "after-hours-callback-offer.png")

    answered = len(page.bot_messages())
    page.say("1")
    page.wait_for_bot_count(answered + 1)  # the flow asks for the number to call back
    page.say("010-1234-5678")
    page.wait_until_ended()
    confirmation = page.bot_messages()[-1]
    assert confirmation.startswith("콜백 예약이 완료되었습니다.")
    page.screenshot(ARTIFACTS / "after-hours-callback-booked.png")


# --- the browser comes from Debian, through the project's own files ------------------------------


def _makefile_rule(target: str) -> str:
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    return next(line for line in makefile.splitlines() if line.startswith(f"{target}:"))


def test_make_test_installs_debians_chromium_and_driver_first() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    packages = next(line for line in makefile.splitlines() if line.startswith("BROWSER_PACKAGES :="))
    assert {"chromium", "chromium-driver"} <= set(packages.split(":=")[1].split())
    assert "apt-get install" in makefile
    for target in ("test", "pytest"):
        prerequisites = _makefile_rule(target).split(":", 1)[1].split("##")[0].split()
        assert "browser" in prerequisites, target


def test_selenium_is_given_debians_paths_and_kept_offline(browser: Any) -> None:
    import os

    from simulator.chat_server.browser import CHROMEDRIVER, CHROMIUM

    assert os.environ["SE_OFFLINE"] == "true"
    assert browser.service.path == str(CHROMEDRIVER) == "/usr/bin/chromedriver"
    # The browser running is Debian's: its version is the one /usr/bin/chromium reports.
    reported = subprocess.run(  # noqa: S603 - a fixed system path
        [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert browser.capabilities["browserVersion"] in reported
