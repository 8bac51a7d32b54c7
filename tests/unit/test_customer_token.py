"""Customer tokens as the company's site makes them (README recipe, independent of our signer)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from contract import ChatErrorCode
from webchat.customer_token import CustomerTokenError, signing_keys, verify_customer_token

KEY = b"k" * 64
NOW = 1_798_761_600


def site_token(claims: dict[str, object], key: bytes = KEY, header: dict[str, object] | None = None) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps(header or {"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    signature = b64(hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest())
    return f"{head}.{body}.{signature}"


CLAIMS = {"sub": "010-1234-5678", "aud": "aicc-prod-chat", "iat": NOW, "exp": NOW + 300}


def test_a_token_signed_as_the_readme_shows_is_accepted_and_normalized() -> None:
    customer = verify_customer_token(site_token(CLAIMS), keys=(KEY,), audience="aicc-prod-chat", now=NOW + 10)
    assert customer.customer_id == "+821012345678"


def test_a_token_is_accepted_within_the_leeway_and_refused_after() -> None:
    token = site_token(CLAIMS)
    verify_customer_token(token, keys=(KEY,), audience="aicc-prod-chat", now=NOW + 320)
    with pytest.raises(CustomerTokenError) as refused:
        verify_customer_token(token, keys=(KEY,), audience="aicc-prod-chat", now=NOW + 331)
    assert refused.value.code is ChatErrorCode.EXPIRED_TOKEN


@pytest.mark.parametrize(
    "header",
    [{"alg": "none"}, {"alg": "HS512"}, {"alg": "RS256"}, {"alg": "HS256", "crit": ["exp"]}],
)
def test_only_plain_hs256_is_accepted(header: dict[str, object]) -> None:
    with pytest.raises(CustomerTokenError) as refused:
        verify_customer_token(
            site_token(CLAIMS, header=header), keys=(KEY,), audience="aicc-prod-chat", now=NOW
        )
    assert refused.value.code is ChatErrorCode.INVALID_TOKEN


def test_the_secret_needs_a_long_enough_key() -> None:
    assert signing_keys(json.dumps({"current": "a" * 32, "previous": ""})) == (b"a" * 32,)
    assert signing_keys(json.dumps({"current": "a" * 40, "previous": "b" * 40})) == (b"a" * 40, b"b" * 40)
    for bad in ("not json", "[]", json.dumps({"current": "short", "previous": ""})):
        with pytest.raises(ValueError, match="token secret"):
            signing_keys(bad)
