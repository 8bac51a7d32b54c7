"""What the custom-resource handler tests fake of CloudFormation and Lambda: the presigned
ResponseURL the handler answers on, and the Lambda context attributes it reads.

Shared by the FAQ loader and the phone-number-flow tests, whose handlers answer through
``handlers.custom_resource``; the ``sink`` fixture in ``conftest`` hands out a fresh
:class:`ResponseSink`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

#: The ResponseURL every test request carries (CloudFormation sends a presigned S3 URL).
RESPONSE_URL: Final = "https://cloudformation-custom-resource-response-apnortheast2.s3.amazonaws.com/signed"
#: The log stream a failure's Reason points the reader to.
LOG_STREAM_NAME: Final = "2026/01/15/[$LATEST]abc"


@dataclass
class FakeResourceContext:
    """The Lambda context attributes the custom-resource handlers read."""

    remaining_millis: int = 120_000
    log_stream_name: str = LOG_STREAM_NAME

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function times out."""
        return self.remaining_millis


@dataclass
class ResponseSink:
    """Collects what the handler would PUT to CloudFormation's ResponseURL."""

    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, url: str, body: Mapping[str, Any]) -> None:
        # Through JSON, as the PUT would send it: what is not serializable fails here.
        self.responses.append((url, json.loads(json.dumps(body))))

    @property
    def only(self) -> dict[str, Any]:
        """The one answer sent so far, which must have gone to ``RESPONSE_URL``."""
        assert len(self.responses) == 1, self.responses
        url, body = self.responses[0]
        assert url == RESPONSE_URL
        return body
