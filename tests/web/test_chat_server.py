"""The local chat server at the protocol level, without a browser.

The server runs as ``make chat`` runs it (``python -m simulator chat --port 0``, a child process);
an aiohttp client plays chatjs: the start-chat API, ``CreateParticipantConnection``, the
websocket (subscribe, heartbeat, deep ping, pushed items), ``SendMessage``, ``SendEvent``,
``GetTranscript`` and ``DisconnectParticipant``, with the shapes ``web/chat-page/README.md``
records. The pure shapes of :mod:`simulator.chat_server.protocol` are tested in-process.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from simulator.chat_server import protocol
from simulator.chat_server.browser import LocalChatServer

REPO_ROOT = Path(__file__).resolve().parents[2]
AT = "2026-12-01T10:00:00+09:00"
CHAT_REQUEST = {"displayName": "홍길동", "attributes": {"locale": "ko_KR", "page": "/help"}}

pytestmark = pytest.mark.xdist_group("chat-server")


@pytest.fixture(scope="module")
def server() -> Iterator[LocalChatServer]:
    with LocalChatServer(at=AT) as running:
        yield running


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 30))


class Chat:
    """One chat as chatjs drives it."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base
        self.start: dict[str, Any] = {}
        self.connection: dict[str, Any] = {}
        self.socket: aiohttp.ClientWebSocketResponse | None = None

    async def open(self) -> None:
        response = await self.session.post(f"{self.base}/api/chats", json=CHAT_REQUEST)
        assert response.status == 200
        self.start = await response.json()
        response = await self.session.post(
            f"{self.base}/participant/connection",
            json={"Type": ["WEBSOCKET", "CONNECTION_CREDENTIALS"]},
            headers={"x-amz-bearer": self.start["participantToken"]},
        )
        assert response.status == 200
        self.connection = await response.json()
        self.socket = await self.session.ws_connect(self.connection["Websocket"]["Url"])
        await self.socket.send_str(
            json.dumps({"topic": "aws/subscribe", "content": {"topics": ["aws/chat"]}})
        )

    @property
    def token(self) -> str:
        return str(self.connection["ConnectionCredentials"]["ConnectionToken"])

    async def call(self, operation: str, body: dict[str, Any]) -> aiohttp.ClientResponse:
        return await self.session.post(
            f"{self.base}/participant/{operation}", json=body, headers={"x-amz-bearer": self.token}
        )

    async def frame(self) -> dict[str, Any]:
        assert self.socket is not None
        message = await asyncio.wait_for(self.socket.receive(), 10)
        document: dict[str, Any] = json.loads(message.data)
        return document

    async def items_until(self, done: Any) -> list[dict[str, Any]]:
        """Pushed items until ``done(item)`` (other frames skipped)."""
        items: list[dict[str, Any]] = []
        while True:
            frame = await self.frame()
            if frame["topic"] != "aws/chat":
                continue
            assert frame["contentType"] == "application/json"
            item = json.loads(frame["content"])
            items.append(item)
            if done(item):
                return items


def said(text: str) -> Any:
    return lambda item: item.get("Content") == text


# --- the whole protocol --------------------------------------------------------------------------


def test_a_chat_from_start_to_end(server: LocalChatServer) -> None:
    from bot.messages import ESCALATE

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            chat = Chat(session, server.url)
            await chat.open()
            start = chat.start
            assert set(start) == {"participantToken", "contactId", "participantId", "chatDurationMinutes"}
            assert chat.connection["Websocket"]["Url"].startswith("ws://127.0.0.1:")
            assert await chat.frame() == {
                "topic": "aws/subscribe",
                "content": {"status": "success", "topics": ["aws/chat"]},
            }
            greeting = await chat.items_until(said("무엇을 도와드릴까요?"))
            joined = greeting[0]
            assert joined["ContentType"] == protocol.PARTICIPANT_JOINED
            assert joined["ParticipantId"] == start["participantId"]
            assert joined["DisplayName"] == "홍길동"
            for item in greeting:
                assert item["ContactId"] == item["InitialContactId"] == start["contactId"]
            bot = greeting[-1]
            assert (bot["Type"], bot["ContentType"], bot["ParticipantRole"]) == (
                "MESSAGE",
                "text/plain",
                "SYSTEM",
            )
            # Simulated time: the server's --at (Korea time) plus the moments since.
            sent_at = datetime.fromisoformat(bot["AbsoluteTime"].replace("Z", "+00:00"))
            assert timedelta(0) <= sent_at - datetime.fromisoformat(AT) < timedelta(minutes=1)

            # Heartbeat and deep ping are answered.
            assert chat.socket is not None
            await chat.socket.send_str(json.dumps({"topic": "aws/heartbeat"}))
            assert await chat.frame() == {"topic": "aws/heartbeat"}
            await chat.socket.send_str(json.dumps({"topic": "aws/ping"}))
            assert (await chat.frame())["statusCode"] == 200

            # Typing is acknowledged; a message is echoed and heard by the flow.
            response = await chat.call("event", {"ContentType": protocol.TYPING, "ClientToken": "t1"})
            assert response.status == 200
            assert set(await response.json()) == {"Id", "AbsoluteTime"}
            response = await chat.call(
                "message", {"ContentType": "text/plain", "Content": "상담원 연결해 주세요"}
            )
            assert response.status == 200
            sent = await response.json()
            after = await chat.items_until(said(ESCALATE))
            assert after[0]["Id"] == sent["Id"]
            assert (after[0]["ParticipantRole"], after[0]["Content"]) == ("CUSTOMER", "상담원 연결해 주세요")

            # The transcript holds what was said, oldest first.
            response = await chat.call(
                "transcript", {"MaxResults": 15, "ScanDirection": "BACKWARD", "SortOrder": "ASCENDING"}
            )
            transcript = await response.json()
            assert transcript["InitialContactId"] == start["contactId"]
            contents = [item.get("Content") for item in transcript["Transcript"]]
            assert (
                contents.index("무엇을 도와드릴까요?")
                < contents.index("상담원 연결해 주세요")
                < contents.index(ESCALATE)
            )

            # Leaving ends the chat; the tokens stop working.
            response = await chat.call("disconnect", {"ClientToken": "d1"})
            assert response.status == 200
            ending = await chat.items_until(lambda item: item["ContentType"] == protocol.CHAT_ENDED)
            assert ending[-2]["ContentType"] == protocol.PARTICIPANT_LEFT
            response = await chat.call("message", {"ContentType": "text/plain", "Content": "여보세요"})
            assert response.status == 403
            response = await session.post(
                f"{server.url}/participant/connection",
                json={"Type": ["WEBSOCKET"]},
                headers={"x-amz-bearer": start["participantToken"]},
            )
            assert response.status == 403

    run(scenario())


def test_the_flow_ends_the_chat_itself(server: LocalChatServer) -> None:
    """An FAQ answered and nothing more asked: the flow says goodbye and ends the chat itself."""

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            chat = Chat(session, server.url)
            await chat.open()
            await chat.items_until(said("무엇을 도와드릴까요?"))
            await chat.call("message", {"ContentType": "text/plain", "Content": "배송비는 얼마인가요?"})
            await chat.items_until(said("더 궁금하신 점이 있으신가요?"))
            await chat.call("message", {"ContentType": "text/plain", "Content": "아니요, 없어요"})
            items = await chat.items_until(lambda item: item["ContentType"] == protocol.CHAT_ENDED)
            assert items[-1]["ParticipantRole"] == "SYSTEM"
            assert any(
                item.get("ParticipantRole") == "SYSTEM" and item.get("Content") for item in items[1:-1]
            )

    run(scenario())


# --- the start-chat API and the rest of the HTTP surface -----------------------------------------


def test_start_chat_refusals_are_the_apis_korean_messages(server: LocalChatServer) -> None:
    from contract import ChatErrorCode
    from webchat.messages import chat_error_message

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            for body, code in (
                ({"displayName": " "}, ChatErrorCode.INVALID_DISPLAY_NAME),
                (
                    {"displayName": "홍길동", "attributes": {"role": "admin"}},
                    ChatErrorCode.INVALID_ATTRIBUTES,
                ),
                ({"displayName": "홍길동", "instanceId": "x"}, ChatErrorCode.INVALID_REQUEST),
            ):
                response = await session.post(f"{server.url}/api/chats", json=body)
                assert response.status == 400
                assert await response.json() == {"message": chat_error_message(code), "code": code.value}

    run(scenario())


def test_participant_calls_need_a_valid_token(server: LocalChatServer) -> None:
    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            for operation in ("connection", "message", "event", "transcript", "disconnect"):
                response = await session.post(
                    f"{server.url}/participant/{operation}", json={}, headers={"x-amz-bearer": "forged"}
                )
                assert response.status == 403
                assert response.headers["x-amzn-errortype"] == "AccessDeniedException"
                assert "Message" in await response.json()
            response = await session.get(f"{server.url}/ws/not-a-connection")
            assert response.status == 403

    run(scenario())


def test_config_json_points_the_page_at_this_server(server: LocalChatServer) -> None:
    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            response = await session.get(f"{server.url}/config.json")
            assert response.status == 200
            assert await response.json() == {
                "apiUrl": f"{server.url}/api",
                "region": "ap-northeast-2",
                "participantEndpoint": server.url,
            }

    run(scenario())


def test_only_the_pages_own_origin_gets_cors_and_files_outside_the_page_are_not_served(
    server: LocalChatServer,
) -> None:
    own = server.url
    alias = own.replace("//127.0.0.1:", "//localhost:")

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            for origin in (own, alias):
                response = await session.options(
                    f"{server.url}/participant/message",
                    headers={
                        "Origin": origin,
                        "Access-Control-Request-Method": "POST",
                        "Access-Control-Request-Headers": "content-type,x-amz-bearer,authorization",
                    },
                )
                assert response.status == 204
                assert response.headers["Access-Control-Allow-Origin"] == origin
            # Another site open in the same browser: no CORS, and nothing is started for it.
            for other in ("http://localhost:3000", "https://evil.example", "http://127.0.0.1:1"):
                response = await session.options(
                    f"{server.url}/api/chats",
                    headers={"Origin": other, "Access-Control-Request-Method": "POST"},
                )
                assert response.status == 403
                assert "Access-Control-Allow-Origin" not in response.headers
                response = await session.post(
                    f"{server.url}/api/chats",
                    data=json.dumps({"displayName": "홍길동"}),
                    headers={"Origin": other, "Content-Type": "text/plain"},
                )
                assert response.status == 403
                assert "Access-Control-Allow-Origin" not in response.headers
                assert (await response.json())["code"] == "origin_not_allowed"
                assert "participantToken" not in await response.text()
            response = await session.options(
                f"{server.url}/participant/message",
                headers={
                    "Origin": own,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type,x-amz-bearer,authorization",
                },
            )
            assert (
                response.headers["Access-Control-Allow-Headers"] == "content-type,x-amz-bearer,authorization"
            )
            response = await session.get(f"{server.url}/%2e%2e/%2e%2e/pyproject.toml")
            assert response.status == 404

    run(scenario())


# --- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["--port", "70000"], "--port"),
        (["--at", "tomorrow"], "--at"),
        (["--env", "nowhere"], "nowhere"),
    ],
)
def test_a_bad_option_is_one_line_and_exit_2(arguments: list[str], fragment: str) -> None:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "simulator", "chat", *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert fragment in lines[0]
    assert completed.stdout == ""


# --- the pure shapes -----------------------------------------------------------------------------


def test_absolute_time_is_utc_with_milliseconds() -> None:
    korea = timezone(timedelta(hours=9))
    assert (
        protocol.iso_time(datetime(2026, 12, 1, 10, 0, 0, 123_456, tzinfo=korea))
        == "2026-12-01T01:00:00.123Z"
    )
    assert protocol.iso_time(datetime(2026, 12, 1, 1, tzinfo=UTC)) == "2026-12-01T01:00:00.000Z"


def test_frame_replies() -> None:
    subscribe = json.dumps({"topic": "aws/subscribe", "content": {"topics": ["aws/chat"]}})
    reply, subscribed = protocol.reply_to_frame(subscribe)
    assert subscribed
    assert json.loads(reply or "") == {
        "topic": "aws/subscribe",
        "content": {"status": "success", "topics": ["aws/chat"]},
    }
    reply, subscribed = protocol.reply_to_frame(
        json.dumps({"topic": "aws/subscribe", "content": {"topics": ["x"]}})
    )
    assert not subscribed
    assert json.loads(reply or "")["content"]["status"] == "failure"
    assert protocol.reply_to_frame('{"topic": "aws/heartbeat"}') == ('{"topic": "aws/heartbeat"}', False)
    assert json.loads(protocol.reply_to_frame('{"topic": "aws/ping"}')[0] or "")["statusCode"] == 200
    assert protocol.reply_to_frame("not json") == (None, False)
    assert protocol.reply_to_frame('{"topic": "other"}') == (None, False)


def test_a_pushed_item_is_a_json_string_in_a_chat_frame() -> None:
    item = protocol.item(
        item_id="i1",
        at=datetime(2026, 12, 1, 1, tzinfo=UTC),
        contact_id="c1",
        item_type=protocol.MESSAGE,
        content_type=protocol.TEXT_PLAIN,
        participant_id="p1",
        display_name="홍길동",
        role=protocol.CUSTOMER,
        content="안녕하세요",
    )
    frame = json.loads(protocol.chat_frame(item))
    assert frame["topic"] == "aws/chat"
    assert json.loads(frame["content"]) == item
    assert item["ContactId"] == item["InitialContactId"] == "c1"


def test_transcript_pages() -> None:
    items = [{"Id": str(number)} for number in range(30)]
    assert [item["Id"] for item in protocol.transcript_page(items, {"MaxResults": 3})] == ["27", "28", "29"]
    forward = protocol.transcript_page(items, {"MaxResults": 2, "ScanDirection": "FORWARD"})
    assert [item["Id"] for item in forward] == ["0", "1"]
    descending = protocol.transcript_page(items, {"MaxResults": 2, "SortOrder": "DESCENDING"})
    assert [item["Id"] for item in descending] == ["29", "28"]
    assert len(protocol.transcript_page(items, {})) == 15
