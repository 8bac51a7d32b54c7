"""The chat page in a real browser: the local server as a process and Debian's headless Chromium.

What the browser test (``tests/web/test_chat_browser.py``) and the speed benchmark
(``benchmarks/bench_chat_local.py``) share:

* :class:`LocalChatServer` starts ``python -m simulator chat --port 0`` as its own process (exactly
  what ``make chat`` runs) and reads the URL from the line it prints;
* :func:`chromium` starts Debian's ``chromium`` through Debian's ``chromium-driver``
  (``make browser`` installs both). Both paths are passed explicitly and Selenium Manager is kept
  offline (``SE_OFFLINE``): nothing is ever downloaded, a missing browser is an error;
* :class:`ChatPage` clicks and reads the page the way a customer does (its element ids are the
  page's, ``web/chat-page/index.html``).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
CHROMIUM: Final = Path("/usr/bin/chromium")
CHROMEDRIVER: Final = Path("/usr/bin/chromedriver")
#: How long the server may take to print its URL (flows parsed, tables created).
SERVER_START_SECONDS: Final = 60.0
#: How long the page may take to show what a step expects.
STEP_SECONDS: Final = 15.0
_URL_RE: Final = re.compile(r"http://127\.0\.0\.1:\d+")


class BrowserMissingError(RuntimeError):
    """Chromium or its driver is not installed (``make browser``)."""


class LocalChatServer:
    """``python -m simulator chat`` in a child process, for the duration of a ``with`` block."""

    def __init__(self, *, at: str | None, env: str = "dev", log: Path | None = None) -> None:
        self._args = [sys.executable, "-m", "simulator", "chat", "--port", "0", "--env", env]
        if at is not None:
            self._args += ["--at", at]
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None
        self.url = ""

    def __enter__(self) -> LocalChatServer:
        stderr: Any = subprocess.DEVNULL
        if self._log is not None:
            self._log.parent.mkdir(parents=True, exist_ok=True)
            self._log_file = stderr = self._log.open("wb")
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            self._args, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=stderr
        )
        assert self._process.stdout is not None  # noqa: S101 - set by stdout=PIPE
        deadline = time.monotonic() + SERVER_START_SECONDS
        line = b""
        while time.monotonic() < deadline and self._process.poll() is None:
            line = self._process.stdout.readline()
            if line:
                break
        found = _URL_RE.search(line.decode("utf-8", errors="replace"))
        if found is None:
            self.__exit__(None, None, None)
            raise RuntimeError(f"the chat server printed no URL: {line!r}")
        self.url = found.group(0)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stdout is not None:
            process.stdout.close()
        if self._log_file is not None:
            self._log_file.close()


def chromium(*, width: int = 480, height: int = 900) -> Any:
    """A headless Debian Chromium driven by Debian's chromedriver (never Selenium Manager)."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        raise BrowserMissingError(f"not installed: {', '.join(missing)} (run: make browser)")
    # Selenium Manager runs only when a path is missing; offline it could not download anyway.
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in CI containers
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--lang=ko-KR",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))


class ChatPage:
    """The chat page as a customer uses it."""

    def __init__(self, driver: Any, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    def open(self) -> None:
        self.driver.get(self.base_url + "/")
        self._wait(lambda: self._by_id("start-button").is_displayed())

    def start(self, name: str) -> None:
        """Type the name and press 상담 시작."""
        field = self._by_id("display-name")
        field.clear()
        field.send_keys(name)
        self._by_id("start-button").click()

    def say(self, text: str) -> None:
        """Type a message and press 전송 once the composer is enabled."""
        self._wait(lambda: self._by_id("message-input").is_enabled())
        box = self._by_id("message-input")
        box.send_keys(text)
        self._by_id("send-button").click()

    def bot_messages(self) -> list[str]:
        """The bot's messages on screen, in order."""
        from selenium.webdriver.common.by import By

        elements = self.driver.find_elements(
            By.CSS_SELECTOR, "#messages li.message[data-speaker='bot'] .text"
        )
        return [element.text for element in elements]

    def wait_for_bot(self, text: str, *, seconds: float = STEP_SECONDS) -> None:
        """Wait until the bot has said exactly ``text`` (one whole message)."""
        self._wait(lambda: text in self.bot_messages(), seconds=seconds, what=f"bot message {text!r}")

    def wait_for_bot_count(self, count: int, *, seconds: float = STEP_SECONDS) -> None:
        self._wait(lambda: len(self.bot_messages()) >= count, seconds=seconds, what=f"{count} bot messages")

    def wait_until_ended(self) -> None:
        self._wait(lambda: self._by_id("ended-panel").is_displayed(), what="the end of the chat")

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))

    def _by_id(self, element_id: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.ID, element_id)

    def _wait(self, condition: Any, *, seconds: float = STEP_SECONDS, what: str = "the page") -> None:
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            WebDriverWait(self.driver, seconds, poll_frequency=0.02).until(lambda _: condition())
        except TimeoutException:
            status = self._by_id("connection-status").text
            raise AssertionError(
                f"timed out waiting for {what}; status line: {status!r}; bot said: {self.bot_messages()!r}"
            ) from None
