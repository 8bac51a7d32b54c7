"""Customer tokens: how the company's site vouches for a signed-in customer, and how we check it.

The site signs a short-lived JWT (RFC 7519, HS256 only) with the secret it shares with this
environment (Secrets Manager, ``{"current": "<key>", "previous": "<key or empty>"}``)::

    header  {"alg": "HS256", "typ": "JWT"}
    claims  {"sub": "+821012345678", "aud": "<name_prefix>-chat", "iat": 1767225600, "exp": 1767225900}

``sub`` is the customer's key in the customers table (the E.164 number the CRM keys customers by);
``exp - iat`` is at most :data:`MAX_LIFETIME_SECONDS`. A verified token makes the chat contact carry
``verifiedCustomerId``, so the inbound flow's customer lookup finds the tier (VIP routing on chat).

**Two keys for rotation.** A token verifies with either key, so rotating never breaks a page that
was just signed: 1. copy ``current`` to ``previous`` and write a new ``current`` (one
``PutSecretValue``); 2. once :data:`SECRET_CACHE_SECONDS` have passed (the function re-reads the
secret that often), switch the site to sign with the new key; 3. after the token lifetime, empty
``previous`` (or leave it until the next rotation).

Why HS256 and nothing else: ``alg`` is read only to refuse everything but HS256 (no ``none``, no
algorithm confusion); the signature is compared in constant time before any claim is trusted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.personal_data import to_e164
from contract import ChatErrorCode

#: The longest validity a token may declare (``exp - iat``): a token is minted per chat start.
MAX_LIFETIME_SECONDS: Final = 600
#: Clock difference tolerated between the site and Lambda.
LEEWAY_SECONDS: Final = 30
#: How long the function keeps the signing keys before reading the secret again.
SECRET_CACHE_SECONDS: Final = 300
#: The shortest key accepted (HMAC-SHA256 keys shorter than the hash weaken it).
MIN_KEY_BYTES: Final = 32


class CustomerTokenError(ValueError):
    """The token is refused: ``code`` is ``invalid_token`` or ``expired_token``."""

    def __init__(self, code: ChatErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True, slots=True)
class VerifiedCustomer:
    """What a valid token vouches for."""

    customer_id: str  # E.164
    expires_at: int


def signing_keys(secret_string: str) -> tuple[bytes, ...]:
    """The keys of the secret's JSON (current first), each at least :data:`MIN_KEY_BYTES`.

    Raises ``ValueError`` when the secret holds no usable key (a configuration error, not the page's).
    """
    try:
        document = json.loads(secret_string)
    except json.JSONDecodeError as error:
        raise ValueError("the token secret is not JSON") from error
    if not isinstance(document, dict):
        raise ValueError("the token secret is not a JSON object")
    keys = tuple(
        value.encode("utf-8")
        for value in (document.get("current"), document.get("previous"))
        if isinstance(value, str) and len(value.encode("utf-8")) >= MIN_KEY_BYTES
    )
    if not keys:
        raise ValueError(f"the token secret has no key of at least {MIN_KEY_BYTES} bytes")
    return keys


def sign_customer_token(claims: dict[str, Any], key: bytes) -> str:
    """A compact HS256 JWT of ``claims`` (what the company's site does; tests and the README use it)."""
    header = _b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64encode(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = _b64encode(hmac.new(key, signing_input, hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def verify_customer_token(token: str, *, keys: Sequence[bytes], audience: str, now: int) -> VerifiedCustomer:
    """Check signature, algorithm, audience, lifetime and subject; raises :class:`CustomerTokenError`."""
    parts = token.split(".")
    if len(parts) != 3:
        raise _invalid("not three segments")
    header = _json_segment(parts[0], "header")
    if header.get("alg") != "HS256" or header.get("crit") is not None:
        raise _invalid("algorithm other than HS256")
    try:
        signature = _b64decode(parts[2])
    except ValueError as error:
        raise _invalid("signature is not base64url") from error
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii", errors="replace")
    if not any(
        hmac.compare_digest(hmac.new(key, signing_input, hashlib.sha256).digest(), signature) for key in keys
    ):
        raise _invalid("signature matches no key")
    claims = _json_segment(parts[1], "claims")
    if claims.get("aud") != audience:
        raise _invalid("wrong audience")
    issued_at, expires_at = claims.get("iat"), claims.get("exp")
    if not isinstance(issued_at, int) or not isinstance(expires_at, int) or _is_bool(issued_at, expires_at):
        raise _invalid("iat or exp missing")
    if not 0 < expires_at - issued_at <= MAX_LIFETIME_SECONDS:
        raise _invalid("lifetime out of bounds")
    if issued_at > now + LEEWAY_SECONDS:
        raise _invalid("issued in the future")
    if expires_at <= now - LEEWAY_SECONDS:
        raise CustomerTokenError(ChatErrorCode.EXPIRED_TOKEN, "expired")
    subject = claims.get("sub")
    customer_id = to_e164(subject) if isinstance(subject, str) and len(subject) <= 32 else None
    if customer_id is None:
        raise _invalid("subject is not a phone number")
    return VerifiedCustomer(customer_id=customer_id, expires_at=expires_at)


def _invalid(detail: str) -> CustomerTokenError:
    return CustomerTokenError(ChatErrorCode.INVALID_TOKEN, detail)


def _is_bool(*values: Any) -> bool:
    return any(isinstance(value, bool) for value in values)


def _json_segment(segment: str, what: str) -> dict[str, Any]:
    try:
        document = json.loads(_b64decode(segment))
    except (ValueError, RecursionError) as error:
        raise _invalid(f"{what} is not base64url JSON") from error
    if not isinstance(document, dict):
        raise _invalid(f"{what} is not an object")
    return document


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(segment: str) -> bytes:
    if not segment or any(char not in _B64URL for char in segment):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64url") from error


_B64URL: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
