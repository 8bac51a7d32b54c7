"""The local chat server's HTTP and websocket routes (aiohttp), and its life cycle.

One origin, ``http://127.0.0.1:PORT``, serves everything the page talks to, so the browser needs
no cross-origin exception (CORS is answered for that origin only, as the deployed API answers its
allow-list; any other origin is refused):

* ``GET /`` and the page's files from the built page directory (``web/chat-page/dist``);
  ``GET /config.json`` points the page at this server (``apiUrl`` and ``participantEndpoint``);
* ``POST /api/chats`` — the start-chat API (``webchat.request`` validates, ``webchat.messages``
  words the refusals);
* ``POST /participant/{connection,message,event,transcript,disconnect}`` — the participant
  service subset chatjs uses, authenticated by the ``x-amz-bearer`` header;
* ``GET /ws/{id}`` — the websocket of one connection (chatjs accepts only ``ws://127.0.0.1:``).

The server binds 127.0.0.1 only: it is a developer's tool, not a service.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

from aiohttp import WSCloseCode, WSMsgType, web

from simulator.chat_server import PAGE_DIR, protocol
from simulator.chat_server.contacts import ChatContact, ChatEngine

HOST: Final = "127.0.0.1"
#: What ``chatDurationMinutes`` reports (Connect's default chat duration: 25 hours).
CHAT_DURATION_MINUTES: Final = 1500
#: How long connection tokens and websocket URLs are said to be valid.
CONNECTION_LIFETIME: Final = timedelta(hours=24)
#: What ``/`` says when the page has not been built (``make chat`` builds it).
PAGE_NOT_BUILT: Final = (
    "채팅 페이지가 아직 빌드되지 않았습니다. make chat-page 를 실행한 뒤 다시 열어 주세요."
)

ENGINE_KEY: Final = web.AppKey("engine", ChatEngine)
BASE_URL_KEY: Final = web.AppKey("base_url", list[str])
PAGE_DIR_KEY: Final = web.AppKey("page_dir", Path)
SOCKETS_KEY: Final = web.AppKey("sockets", set[Any])  # the open web.WebSocketResponse objects
#: Seconds the server waits for open requests when it stops (websockets are closed first).
SHUTDOWN_SECONDS: Final = 2.0

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# --- CORS ----------------------------------------------------------------------------------------


def own_origins(base_url: str) -> frozenset[str]:
    """The origins of the page this server serves: its base URL, and ``localhost`` on the same port.

    Nothing else is answered with CORS: another site open in the developer's browser must not be
    able to start chats on 127.0.0.1 and read their participant tokens.
    """
    if not base_url:
        return frozenset()
    return frozenset({base_url, base_url.replace(f"//{HOST}:", "//localhost:", 1)})


def _origin_allowed(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    return not origin or origin in own_origins(_base_url(request))


def _cors_headers(request: web.Request) -> dict[str, str]:
    origin = request.headers.get("Origin")
    if not origin or not _origin_allowed(request):
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": request.headers.get("Access-Control-Request-Headers", "content-type"),
        "Access-Control-Expose-Headers": "x-amzn-errortype, x-amzn-requestid",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer preflights and add the CORS headers to answers for the page's own origin only.

    A request another origin sends (a form post, a websocket) is refused before it starts anything,
    as the deployed function refuses an origin not allowed.
    """
    if not _origin_allowed(request):
        from contract import ChatErrorCode

        return _api_error(ChatErrorCode.ORIGIN_NOT_ALLOWED, 403)
    if request.method == "OPTIONS":
        return web.Response(status=204, headers=_cors_headers(request))
    response = await handler(request)
    if not response.prepared:
        response.headers.update(_cors_headers(request))
    return response


# --- the page ------------------------------------------------------------------------------------


def _base_url(request: web.Request) -> str:
    return request.app[BASE_URL_KEY][0]


async def config_json(request: web.Request) -> web.Response:
    """The page's ``config.json``: this server is both the API and the participant endpoint."""
    base = _base_url(request)
    engine = request.app[ENGINE_KEY]
    document = {"apiUrl": f"{base}/api", "region": engine.config.region, "participantEndpoint": base}
    return web.json_response(document, headers={"Cache-Control": "no-store"})


async def page_file(request: web.Request) -> web.StreamResponse:
    """A file of the built page (``index.html`` for ``/``), never outside its directory."""
    root = request.app[PAGE_DIR_KEY].resolve()
    relative = request.match_info.get("path") or "index.html"
    target = (root / relative).resolve()
    if not target.is_relative_to(root):
        raise web.HTTPNotFound
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        if relative == "index.html":
            return web.Response(status=503, text=PAGE_NOT_BUILT, content_type="text/plain", charset="utf-8")
        raise web.HTTPNotFound
    return web.FileResponse(target, headers={"Cache-Control": "no-store"})


# --- the start-chat API --------------------------------------------------------------------------


def _api_error(code: Any, status: int) -> web.Response:
    from webchat.messages import chat_error_message

    return web.json_response({"message": chat_error_message(code), "code": code.value}, status=status)


async def start_chat(request: web.Request) -> web.Response:
    """``POST /api/chats``: a new simulated chat contact, as the deployed API answers."""
    from contract import ChatErrorCode
    from webchat.request import ChatRequestError, parse_chat_request

    try:
        chat = parse_chat_request(await request.read())
    except ChatRequestError as error:
        return _api_error(error.code, 400)
    engine = request.app[ENGINE_KEY]
    try:
        contact = engine.start_chat(chat.display_name, chat.attributes)
    except Exception:  # the page shows a polite message, never a traceback
        return _api_error(ChatErrorCode.INTERNAL_ERROR, 500)
    return web.json_response(
        {
            "participantToken": contact.participant_token,
            "contactId": contact.contact_id,
            "participantId": contact.participant_id,
            "chatDurationMinutes": CHAT_DURATION_MINUTES,
        }
    )


# --- the participant service ---------------------------------------------------------------------


def _service_error(kind: str, message: str, status: int) -> web.Response:
    headers, body = protocol.service_error(kind, message)
    return web.json_response(body, status=status, headers=headers)


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        document = json.loads(await request.read() or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return document if isinstance(document, dict) else {}


def _connected(request: web.Request) -> ChatContact | None:
    return request.app[ENGINE_KEY].by_connection_token(request.headers.get("x-amz-bearer"))


async def create_connection(request: web.Request) -> web.Response:
    """``CreateParticipantConnection``: a websocket URL and a connection token for the participant token."""
    engine = request.app[ENGINE_KEY]
    contact = engine.by_participant_token(request.headers.get("x-amz-bearer"))
    if contact is None or contact.ended:
        return _service_error("AccessDeniedException", "The participant token is not valid.", 403)
    body = await _json_body(request)
    kinds = body.get("Type") or []
    answer: dict[str, Any] = {}
    if protocol.WEBSOCKET in kinds or protocol.CONNECTION_CREDENTIALS in kinds:
        connection_token = str(uuid.uuid4())
        websocket_id = str(uuid.uuid4())
        engine.register_connection(contact, connection_token, websocket_id)
        expiry = protocol.iso_time(contact.now() + CONNECTION_LIFETIME)
        ws_base = _base_url(request).replace("http://", "ws://", 1)
        if protocol.WEBSOCKET in kinds:
            answer["Websocket"] = {"Url": f"{ws_base}/ws/{websocket_id}", "ConnectionExpiry": expiry}
        if protocol.CONNECTION_CREDENTIALS in kinds:
            answer["ConnectionCredentials"] = {"ConnectionToken": connection_token, "Expiry": expiry}
    return web.json_response(answer)


async def send_message(request: web.Request) -> web.Response:
    """``SendMessage``: the customer's text (plain text only) goes to the flow."""
    contact = _connected(request)
    if contact is None:
        return _service_error("AccessDeniedException", "The connection token is not valid.", 403)
    body = await _json_body(request)
    content = body.get("Content")
    if body.get("ContentType") not in {protocol.TEXT_PLAIN, "text/markdown"} or not isinstance(content, str):
        return _service_error("ValidationException", "Only text messages are supported.", 400)
    if not content.strip() or len(content) > 1024:
        return _service_error("ValidationException", "Content must be 1 to 1024 characters.", 400)
    if contact.ended:
        return _service_error("AccessDeniedException", "The chat has ended.", 403)
    payload = contact.send_message(content)
    return web.json_response({"Id": payload["Id"], "AbsoluteTime": payload["AbsoluteTime"]})


async def send_event(request: web.Request) -> web.Response:
    """``SendEvent``: typing and receipts are acknowledged."""
    contact = _connected(request)
    if contact is None:
        return _service_error("AccessDeniedException", "The connection token is not valid.", 403)
    body = await _json_body(request)
    content_type = body.get("ContentType")
    if not isinstance(content_type, str) or not content_type.startswith(
        "application/vnd.amazonaws.connect.event."
    ):
        return _service_error("ValidationException", "ContentType is not an event.", 400)
    payload = contact.send_event(content_type)
    return web.json_response({"Id": payload["Id"], "AbsoluteTime": payload["AbsoluteTime"]})


async def get_transcript(request: web.Request) -> web.Response:
    """``GetTranscript``: the chat's items so far."""
    contact = _connected(request)
    if contact is None:
        return _service_error("AccessDeniedException", "The connection token is not valid.", 403)
    items = protocol.transcript_page(contact.transcript(), await _json_body(request))
    return web.json_response({"InitialContactId": contact.contact_id, "Transcript": items})


async def disconnect(request: web.Request) -> web.Response:
    """``DisconnectParticipant``: the customer leaves and the chat ends."""
    contact = _connected(request)
    if contact is None:
        return _service_error("AccessDeniedException", "The connection token is not valid.", 403)
    contact.disconnect()
    return web.json_response({})


# --- the websocket -------------------------------------------------------------------------------


async def websocket(request: web.Request) -> web.StreamResponse:
    """One chatjs connection: subscribe, heartbeats, and every item of the chat pushed as it comes."""
    contact = request.app[ENGINE_KEY].by_websocket_id(request.match_info["id"])
    if contact is None:
        raise web.HTTPForbidden
    socket = web.WebSocketResponse()
    await socket.prepare(request)
    loop = asyncio.get_running_loop()
    outbox: asyncio.Queue[str] = asyncio.Queue()

    def push(frame: str) -> None:  # called from any thread
        loop.call_soon_threadsafe(outbox.put_nowait, frame)

    async def sender() -> None:
        while True:
            frame = await outbox.get()
            await socket.send_str(frame)

    sending = asyncio.create_task(sender())
    unsubscribe: Callable[[], None] | None = None
    request.app[SOCKETS_KEY].add(socket)
    try:
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            reply, subscribed = protocol.reply_to_frame(message.data)
            if reply is not None:
                outbox.put_nowait(reply)
            if subscribed and unsubscribe is None:
                unsubscribe = contact.subscribe(push)
                # The flow starts once the customer can hear it (the first subscription).
                contact.start()
    finally:
        request.app[SOCKETS_KEY].discard(socket)
        if unsubscribe is not None:
            unsubscribe()
        sending.cancel()
    return socket


async def _close_sockets(app: web.Application) -> None:
    """On shutdown: close every websocket (chatjs would otherwise keep its handler running)."""
    sockets: set[Any] = app[SOCKETS_KEY]
    for socket in list(sockets):
        await socket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")


# --- the application -----------------------------------------------------------------------------


def build_app(engine: ChatEngine, *, page_dir: Path = PAGE_DIR) -> web.Application:
    """The aiohttp application of ``engine`` (its base URL is set once the socket is bound)."""
    app = web.Application(middlewares=[cors])
    app[ENGINE_KEY] = engine
    app[BASE_URL_KEY] = [""]
    app[PAGE_DIR_KEY] = page_dir
    app[SOCKETS_KEY] = set()
    app.on_shutdown.append(_close_sockets)
    app.router.add_post("/api/chats", start_chat)
    app.router.add_post("/participant/connection", create_connection)
    app.router.add_post("/participant/message", send_message)
    app.router.add_post("/participant/event", send_event)
    app.router.add_post("/participant/transcript", get_transcript)
    app.router.add_post("/participant/disconnect", disconnect)
    app.router.add_get("/ws/{id}", websocket)
    app.router.add_get("/config.json", config_json)
    app.router.add_get("/", page_file)
    app.router.add_get("/{path:.+}", page_file)
    return app


async def serve(
    engine: ChatEngine, *, port: int, page_dir: Path = PAGE_DIR, on_ready: Callable[[str], None]
) -> None:
    """Serve until cancelled; ``on_ready`` gets the base URL once the port is bound."""
    app = build_app(engine, page_dir=page_dir)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    try:
        site = web.TCPSite(runner, HOST, port)
        await site.start()
        bound_port = runner.addresses[0][1]
        base = f"http://{HOST}:{bound_port}"
        app[BASE_URL_KEY][0] = base
        on_ready(base)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
