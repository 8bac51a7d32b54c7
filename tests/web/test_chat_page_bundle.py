"""The built chat page: its JavaScript within the 150 KB gzipped budget, a deterministic build, and
an accessible Korean page (lang="ko", labels, live regions) that the CSP can serve.

The page is built afresh into a temporary directory (``build.mjs --outdir``), so these tests never
depend on, or disturb, ``web/chat-page/dist``.
"""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from benchmarks.bench_chat_page import JS_BUDGET_BYTES, javascript_gzipped, main, measure
from constructs_lib.chat_page_site import BUILT_FILES, CHAT_PAGE_SOURCE

NODE = Path(__file__).resolve().parents[2] / "node_modules" / ".bin" / "node"


def build_page(outdir: Path) -> Path:
    built = subprocess.run(  # noqa: S603 - our own build script
        [str(NODE), str(CHAT_PAGE_SOURCE / "build.mjs"), "--outdir", str(outdir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    return outdir


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_page(tmp_path_factory.mktemp("chat-page") / "dist")


class _Page(HTMLParser):
    """The elements of index.html with their attributes, and each element's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self._open: list[str] = []
        self._label: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "label":
            self._label = attributes.get("for", "")
            self.labels[self._label] = ""
        if "id" in attributes:
            self._open.append(attributes["id"])
            self.text.setdefault(attributes["id"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label = None
        if self._open and tag not in ("input", "meta", "link"):
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._label is not None:
            self.labels[self._label] += data
        if self._open:
            self.text[self._open[-1]] += data

    def by_id(self, element_id: str) -> dict[str, str]:
        (attributes,) = [attrs for _, attrs in self.elements if attrs.get("id") == element_id]
        return attributes


@pytest.fixture(scope="module")
def page(built: Path) -> _Page:
    parser = _Page()
    parser.feed((built / "index.html").read_text(encoding="utf-8"))
    return parser


def test_the_pages_javascript_is_within_the_gzipped_budget(built: Path) -> None:
    sizes = measure(built)
    assert {size.name for size in sizes} == set(BUILT_FILES)
    assert javascript_gzipped(sizes) <= JS_BUDGET_BYTES
    # The budget is measured on the real bundle: amazon-connect-chatjs and its websocket protocol are in it.
    bundle = (built / "app.js").read_text(encoding="utf-8")
    assert "aws/subscribe" in bundle
    assert "상담원이 입력 중입니다..." in bundle


def test_the_benchmark_fails_over_budget_and_refuses_a_missing_build(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main([str(built)]) == 0
    assert "within the 150 KB budget" in capsys.readouterr().out
    monkeypatch.setattr("benchmarks.bench_chat_page.JS_BUDGET_BYTES", 1024)
    assert main([str(built)]) == 1
    assert main([str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_the_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    again = build_page(tmp_path / "again")
    for name in BUILT_FILES:
        assert (again / name).read_bytes() == (built / name).read_bytes(), name


def test_the_page_is_korean_and_fits_a_phone(page: _Page) -> None:
    (html,) = [attrs for tag, attrs in page.elements if tag == "html"]
    assert html["lang"] == "ko"
    metas = [attrs for tag, attrs in page.elements if tag == "meta"]
    assert {"charset": "utf-8"} in metas
    assert any(m.get("name") == "viewport" and "width=device-width" in m["content"] for m in metas)


def test_every_field_has_a_label(page: _Page) -> None:
    fields = [attrs["id"] for tag, attrs in page.elements if tag in ("input", "textarea", "select")]
    assert fields == ["display-name", "message-input"]
    assert page.labels == {"display-name": "이름 입력", "message-input": "메시지"}


def test_new_messages_and_the_connection_state_are_announced(page: _Page) -> None:
    messages = page.by_id("messages")
    assert messages["role"] == "log"
    assert messages["aria-live"] == "polite"
    assert messages["aria-relevant"] == "additions"
    assert messages["aria-label"] == "대화 내용"
    status = page.by_id("connection-status")
    assert status["role"] == "status" and status["aria-live"] == "polite"
    assert page.by_id("typing-indicator")["aria-live"] == "polite"
    assert page.by_id("start-error")["role"] == "alert"
    assert page.by_id("message-error")["role"] == "alert"


def test_the_buttons_say_what_they_do_in_korean(page: _Page) -> None:
    assert page.text["start-button"] == "상담 시작"
    assert page.text["send-button"] == "전송"
    assert page.text["end-button"] == "상담 종료"
    assert page.text["restart-button"] == "새 상담 시작"
    assert page.text["ended-message"] == "상담이 종료되었습니다. 이용해 주셔서 감사합니다."
    buttons = [attrs for tag, attrs in page.elements if tag == "button"]
    assert all(attrs.get("type") in ("submit", "button") for attrs in buttons)


def test_nothing_inline_that_the_csp_would_block(page: _Page, built: Path) -> None:
    # script-src and style-src are 'self' only: no inline script or style, no event attributes.
    scripts = [attrs for tag, attrs in page.elements if tag == "script"]
    assert scripts == [{"src": "app.js", "defer": ""}]
    assert not [tag for tag, _ in page.elements if tag == "style"]
    assert not [
        (tag, name)
        for tag, attrs in page.elements
        for name in attrs
        if name == "style" or name.startswith("on")
    ]
    stylesheets = [
        attrs["href"] for tag, attrs in page.elements if tag == "link" and attrs.get("rel") == "stylesheet"
    ]
    assert stylesheets == ["app.css"]
    assert all((built / name).is_file() for name in ("app.js", "app.css"))
