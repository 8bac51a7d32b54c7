"""Validating a start-chat request from a web page: nothing unchecked reaches Connect.

The page sends ``{"displayName": str, "attributes": {"locale": "ko_KR", "page": str}?,
"customerToken": str?}``. The rules, each answered with a 400 and its own ``ChatErrorCode``:

* the body is a JSON object of at most :data:`MAX_BODY_BYTES` with only those three fields;
* ``displayName``, after NFC and trimming, is 1-:data:`MAX_DISPLAY_NAME_CHARS` characters with no
  control, format, separator-line, private-use or unassigned characters (a name is what the agent
  reads: no hidden text, no line breaks, no bidi overrides);
* ``attributes`` holds only the keys of ``contract.CHAT_CLIENT_ATTRIBUTES`` (an unknown key is
  refused, not dropped: a page sending one is out of date or forged), ``locale`` one of
  ``contract.CHAT_LOCALES`` and ``page`` at most :data:`MAX_PAGE_CHARS` printable characters;
* ``customerToken`` a string of at most :data:`MAX_TOKEN_CHARS` (checked by ``webchat.customer_token``).

Why so strict: the contact attributes are visible to agents and flows, and the instance and the
flow are fixed server-side, so the page can choose nothing but its own name and these two hints.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any, Final

from contract import CHAT_CLIENT_ATTRIBUTES, CHAT_LOCALES, ChatErrorCode

MAX_BODY_BYTES: Final = 64 * 1024
MAX_DISPLAY_NAME_CHARS: Final = 40
MAX_PAGE_CHARS: Final = 256
MAX_TOKEN_CHARS: Final = 2048

FIELD_DISPLAY_NAME: Final = "displayName"
FIELD_ATTRIBUTES: Final = "attributes"
FIELD_CUSTOMER_TOKEN: Final = "customerToken"  # noqa: S105 - a field name
_FIELDS: Final = frozenset({FIELD_DISPLAY_NAME, FIELD_ATTRIBUTES, FIELD_CUSTOMER_TOKEN})

# Unicode categories refused in a name: controls (Cc: newlines, NUL...), formats (Cf: zero-width and
# bidi overrides), line/paragraph separators, surrogates, private use and unassigned code points.
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


class ChatRequestError(ValueError):
    """The request is refused: ``code`` says why (the page's message is ``webchat.messages``')."""

    def __init__(self, code: ChatErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """A validated request: the name, the contact attributes it becomes, the token if any."""

    display_name: str
    #: Contact attribute name (``contract.ChatAttribute``) → value.
    attributes: dict[str, str]
    customer_token: str | None


def parse_chat_request(body: str | bytes | None) -> ChatRequest:
    """Validate the raw body of ``POST /chats``; raises :class:`ChatRequestError`."""
    raw = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    if not raw:
        raise ChatRequestError(ChatErrorCode.INVALID_REQUEST, "empty body")
    if len(raw) > MAX_BODY_BYTES:
        raise ChatRequestError(ChatErrorCode.INVALID_REQUEST, f"body of {len(raw)} bytes")
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ChatRequestError(ChatErrorCode.INVALID_REQUEST, "body is not JSON") from error
    if not isinstance(document, dict):
        raise ChatRequestError(ChatErrorCode.INVALID_REQUEST, "body is not a JSON object")
    unknown = sorted(str(key)[:32] for key in document if key not in _FIELDS)
    if unknown:
        raise ChatRequestError(ChatErrorCode.INVALID_REQUEST, f"unknown fields {unknown[:5]}")
    return ChatRequest(
        display_name=validate_display_name(document.get(FIELD_DISPLAY_NAME)),
        attributes=validate_attributes(document.get(FIELD_ATTRIBUTES)),
        customer_token=_customer_token(document.get(FIELD_CUSTOMER_TOKEN)),
    )


def validate_display_name(value: Any) -> str:
    """The name as the agent will see it; raises :class:`ChatRequestError`."""
    if not isinstance(value, str):
        raise ChatRequestError(ChatErrorCode.INVALID_DISPLAY_NAME, "displayName is not a string")
    # Bound before normalizing: NFC of a huge string is work an attacker should not get for free.
    if len(value) > MAX_DISPLAY_NAME_CHARS * 4:
        raise ChatRequestError(ChatErrorCode.INVALID_DISPLAY_NAME, f"displayName of {len(value)} characters")
    name = unicodedata.normalize("NFC", value).strip()
    if not 1 <= len(name) <= MAX_DISPLAY_NAME_CHARS:
        raise ChatRequestError(ChatErrorCode.INVALID_DISPLAY_NAME, f"displayName of {len(name)} characters")
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in name):
        raise ChatRequestError(ChatErrorCode.INVALID_DISPLAY_NAME, "displayName has control characters")
    return name


def validate_attributes(value: Any) -> dict[str, str]:
    """The page's hints as contact attributes; raises :class:`ChatRequestError`."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ChatRequestError(ChatErrorCode.INVALID_ATTRIBUTES, "attributes is not an object")
    unknown = sorted(str(key)[:32] for key in value if key not in CHAT_CLIENT_ATTRIBUTES)
    if unknown:
        raise ChatRequestError(ChatErrorCode.INVALID_ATTRIBUTES, f"attributes not allowed: {unknown[:5]}")
    attributes: dict[str, str] = {}
    locale = value.get("locale")
    if locale is not None:
        if locale not in CHAT_LOCALES:
            raise ChatRequestError(ChatErrorCode.INVALID_ATTRIBUTES, "unsupported locale")
        attributes[CHAT_CLIENT_ATTRIBUTES["locale"]] = locale
    page = value.get("page")
    if page is not None:
        if not isinstance(page, str) or not 1 <= len(page) <= MAX_PAGE_CHARS or not page.isprintable():
            raise ChatRequestError(ChatErrorCode.INVALID_ATTRIBUTES, "page is not a short printable string")
        attributes[CHAT_CLIENT_ATTRIBUTES["page"]] = page
    return attributes


def _customer_token(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_TOKEN_CHARS:
        raise ChatRequestError(ChatErrorCode.INVALID_TOKEN, "customerToken is not a bounded string")
    return value
