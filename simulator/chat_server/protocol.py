"""The wire shapes of the participant service and its websocket, as amazon-connect-chatjs reads them.

Pure functions only (no I/O, no clock of their own): the server and the tests build and check
the same shapes. Field names and content types are the Amazon Connect Participant Service's;
``web/chat-page/README.md`` records what chatjs 5.0.0 sends and expects.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

# --- content types -------------------------------------------------------------------------------

TEXT_PLAIN: Final = "text/plain"
TYPING: Final = "application/vnd.amazonaws.connect.event.typing"
PARTICIPANT_JOINED: Final = "application/vnd.amazonaws.connect.event.participant.joined"
PARTICIPANT_LEFT: Final = "application/vnd.amazonaws.connect.event.participant.left"
CHAT_ENDED: Final = "application/vnd.amazonaws.connect.event.chat.ended"

#: Item types.
MESSAGE: Final = "MESSAGE"
EVENT: Final = "EVENT"

#: Participant roles.
CUSTOMER: Final = "CUSTOMER"
SYSTEM: Final = "SYSTEM"

#: How the bot's and the flow's messages are signed (Connect shows Lex and flow prompts as SYSTEM).
BOT_DISPLAY_NAME: Final = "BOT"
BOT_PARTICIPANT_ID: Final = "SYSTEM"

#: Websocket topics.
TOPIC_SUBSCRIBE: Final = "aws/subscribe"
TOPIC_HEARTBEAT: Final = "aws/heartbeat"
TOPIC_PING: Final = "aws/ping"
TOPIC_CHAT: Final = "aws/chat"

#: Connection types of ``CreateParticipantConnection``.
WEBSOCKET: Final = "WEBSOCKET"
CONNECTION_CREDENTIALS: Final = "CONNECTION_CREDENTIALS"

#: Most items ``GetTranscript`` returns in one page (the service's limit).
MAX_TRANSCRIPT_RESULTS: Final = 100


def iso_time(moment: datetime) -> str:
    """``2026-11-30T07:00:00.000Z``: UTC with milliseconds, as the service writes ``AbsoluteTime``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def item(
    *,
    item_id: str,
    at: datetime,
    contact_id: str,
    item_type: str,
    content_type: str,
    participant_id: str,
    display_name: str,
    role: str,
    content: str | None = None,
) -> dict[str, Any]:
    """One transcript item (also the payload of a websocket ``aws/chat`` frame).

    ``ContactId`` and ``InitialContactId`` are always set: chatjs drops a pushed item that names
    neither its chat's contact.
    """
    document: dict[str, Any] = {
        "AbsoluteTime": iso_time(at),
        "Id": item_id,
        "Type": item_type,
        "ContentType": content_type,
        "ParticipantId": participant_id,
        "DisplayName": display_name,
        "ParticipantRole": role,
        "ContactId": contact_id,
        "InitialContactId": contact_id,
    }
    if content is not None:
        document["Content"] = content
    return document


def chat_frame(payload: dict[str, Any]) -> str:
    """The websocket frame that pushes one item: its ``content`` is the item as a JSON string."""
    return json.dumps(
        {
            "topic": TOPIC_CHAT,
            "contentType": "application/json",
            "content": json.dumps(payload, ensure_ascii=False),
        },
        ensure_ascii=False,
    )


def reply_to_frame(raw: str) -> tuple[str | None, bool]:
    """The server's reply to one client frame, and whether it subscribed to ``aws/chat``.

    ``aws/subscribe`` → success for the topics asked (only ``aws/chat`` exists); ``aws/heartbeat``
    → the same topic back; ``aws/ping`` (the deep heartbeat) → status 200. Anything else gets no
    reply: the service ignores what it does not know.
    """
    try:
        frame = json.loads(raw)
    except json.JSONDecodeError:
        return None, False
    if not isinstance(frame, dict):
        return None, False
    topic = frame.get("topic")
    if topic == TOPIC_SUBSCRIBE:
        content = frame.get("content")
        topics = content.get("topics") if isinstance(content, dict) else None
        asked = [name for name in topics if isinstance(name, str)] if isinstance(topics, list) else []
        ok = asked == [TOPIC_CHAT] or (bool(asked) and set(asked) <= {TOPIC_CHAT})
        reply = {
            "topic": TOPIC_SUBSCRIBE,
            "content": {"status": "success" if ok else "failure", "topics": asked},
        }
        return json.dumps(reply), ok
    if topic == TOPIC_HEARTBEAT:
        return json.dumps({"topic": TOPIC_HEARTBEAT}), False
    if topic == TOPIC_PING:
        return json.dumps({"topic": TOPIC_PING, "statusCode": 200, "statusContent": "OK"}), False
    return None, False


def transcript_page(items: Sequence[dict[str, Any]], request: dict[str, Any]) -> list[dict[str, Any]]:
    """The items ``GetTranscript`` returns: the newest ``MaxResults`` (backward from the most recent)
    or the oldest (forward), in ``SortOrder`` (ascending by default).

    Paging (``NextToken``, ``StartPosition.Id``) is not modelled: a local chat is short, and the
    page asks for the most recent items only.
    """
    limit = request.get("MaxResults")
    size = limit if isinstance(limit, int) and 0 < limit <= MAX_TRANSCRIPT_RESULTS else 15
    if request.get("ScanDirection", "BACKWARD") == "FORWARD":
        chosen = list(items[:size])
    else:
        chosen = list(items[-size:])
    if request.get("SortOrder", "ASCENDING") == "DESCENDING":
        chosen.reverse()
    return chosen


def service_error(kind: str, message: str) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and body of a participant-service error (the SDK reads ``x-amzn-errortype``)."""
    return {"x-amzn-errortype": kind}, {"Message": message}
