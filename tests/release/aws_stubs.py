"""Offline AWS for the post-deploy commands: botocore Stubber clients and a virtual clock.

Each test queues the exact requests a command must make, in order, with the answers AWS would
give (``Stubber`` checks the parameters and the response shapes against botocore's service
models); ``assert_no_pending_responses`` then proves the command made every one of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import botocore.session
from botocore.stub import Stubber

REGION = "ap-northeast-2"
INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
FLOW_ID = "99999999-8888-7777-6666-555555555555"
FLOW_ARN = f"arn:aws:connect:{REGION}:111122223333:instance/{INSTANCE_ID}/contact-flow/{FLOW_ID}"


class VirtualClock:
    """``clock`` and ``sleep`` for the commands: sleeping moves time on, nobody waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class StubbedAws:
    """One stubbed client per service, handed to a command as its client factory."""

    def __init__(self, *services: str) -> None:
        session = botocore.session.get_session()
        self.clients = {
            service: session.create_client(
                service,
                region_name=REGION,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
            for service in services
        }
        self.stubs = {service: Stubber(client) for service, client in self.clients.items()}

    def __call__(self, config: Any, service: str) -> Any:
        assert config.region == REGION
        return self.clients[service]

    def __getitem__(self, service: str) -> Stubber:
        return self.stubs[service]

    @contextmanager
    def active(self) -> Iterator[StubbedAws]:
        for stub in self.stubs.values():
            stub.activate()
        try:
            yield self
        finally:
            for stub in self.stubs.values():
                stub.deactivate()

    def assert_done(self) -> None:
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()

    def stack(self, name: str, outputs: Mapping[str, str]) -> None:
        self.stubs["cloudformation"].add_response(
            "describe_stacks",
            {
                "Stacks": [
                    {
                        "StackName": name,
                        "CreationTime": datetime(2026, 3, 1, tzinfo=UTC),
                        "StackStatus": "UPDATE_COMPLETE",
                        "Outputs": [
                            {"OutputKey": key, "OutputValue": value} for key, value in outputs.items()
                        ],
                    }
                ]
            },
            {"StackName": name},
        )

    def missing_stack(self, name: str) -> None:
        self.stubs["cloudformation"].add_client_error(
            "describe_stacks",
            service_error_code="ValidationError",
            service_message=f"Stack with id {name} does not exist",
            http_status_code=400,
            expected_params={"StackName": name},
        )
