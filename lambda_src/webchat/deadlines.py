"""How long the start-chat function may wait for AWS, derived from its timeout in one place.

A function that runs out of time is answered by API Gateway with a 502 that carries no CORS
header, so the page cannot read it and shows only its generic sentence. Every wait is therefore
bounded so that the slowest possible request still ends with the function's own JSON answer:
one request makes at most :data:`CALLS_PER_REQUEST` calls in turn (Secrets Manager for the token
keys when the cache is cold, then Connect's ``StartChatContact``), each of at most
:data:`MAX_ATTEMPTS` attempts of :data:`CONNECT_TIMEOUT_SECONDS` + :data:`READ_TIMEOUT_SECONDS`.
One attempt only: a retry inside the function would double the wait, and the page already
retries after a 429/503 (``Retry-After``) with the customer watching.
"""

from __future__ import annotations

from typing import Final

#: The function's timeout (``constructs_lib.chat_api`` deploys it with this value).
FUNCTION_TIMEOUT_SECONDS: Final = 10
#: Time kept for everything but waiting on AWS: the handler's work and writing the answer.
ANSWER_ROOM_SECONDS: Final = 2
#: AWS calls one request makes one after the other: GetSecretValue, StartChatContact.
CALLS_PER_REQUEST: Final = 2
#: botocore's ``total_max_attempts`` (1: no retry, so no retry back-off either).
MAX_ATTEMPTS: Final = 1
#: Seconds to open a connection; AWS endpoints in the same region answer in milliseconds.
CONNECT_TIMEOUT_SECONDS: Final = 1
#: Seconds one attempt may take: the time left for AWS, shared by every attempt of every call.
_ATTEMPTS_PER_REQUEST: Final = CALLS_PER_REQUEST * MAX_ATTEMPTS
ATTEMPT_SECONDS: Final = (FUNCTION_TIMEOUT_SECONDS - ANSWER_ROOM_SECONDS) // _ATTEMPTS_PER_REQUEST
#: Seconds of waiting for an answer: what is left of an attempt once the connection is counted.
READ_TIMEOUT_SECONDS: Final = ATTEMPT_SECONDS - CONNECT_TIMEOUT_SECONDS


def worst_case_seconds() -> int:
    """The longest one request can wait on AWS with these settings."""
    return CALLS_PER_REQUEST * MAX_ATTEMPTS * (CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS)
