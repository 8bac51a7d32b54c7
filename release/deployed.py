"""What the post-deploy commands share: the environment, its stacks' outputs, AWS clients, exits.

``python -m release.verify`` and ``python -m release.smoke`` talk to a deployed environment; this
module is the one place that turns ``--env`` into a validated config, AWS credentials into clients
and the deployed stacks into the ids the commands need. Clients retry throttling themselves
(botocore's ``standard`` mode, :data:`RETRY_CONFIG`): the commands never loop on a throttled call
except where waiting is their job anyway (polling a running test case or a chat).

Every way a command can stop is one line and an exit status (:func:`run`): 0 all good, 1 a check
failed, 2 bad input (unknown environment, no credentials, a stack that is not deployed), 130
interrupted. The commands clean up what they started (test case executions, the chat contact)
before :func:`run` prints that line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol, TextIO

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

from config.settings import ConfigError, EnvironmentConfig, load_environment

#: Exit statuses of the post-deploy commands.
EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
EXIT_INTERRUPTED: Final = 130

#: Connect's API allows about 2 requests/s (burst 5): botocore's standard mode retries throttling
#: with exponential backoff and jitter, up to 8 attempts, within bounded socket timeouts.
RETRY_CONFIG: Final = Config(
    retries={"mode": "standard", "max_attempts": 8},
    connect_timeout=5,
    read_timeout=20,
)

#: Error codes of a throttled request (after botocore's own retries gave up).
THROTTLING_CODES: Final = frozenset(
    {"ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded"}
)


class UsageError(Exception):
    """Bad input: the message is the one line the command prints (exit 2)."""


class CheckFailed(Exception):
    """A check of the deployed environment failed: the message is the one line printed (exit 1)."""


class OneLineParser(argparse.ArgumentParser):
    """Bad usage is one line and exit 2, like every other bad input (:func:`run`)."""

    def error(self, message: str) -> Any:
        raise UsageError(message)


def deployed_command_parser(
    prog: str, description: str, *, timeout_seconds: float, timeout_help: str, poll_seconds: float
) -> OneLineParser:
    """The options every command against a deployed environment takes: ``--env``, ``--timeout``.

    ``--poll-seconds`` is hidden: the tests make it small, operators have no reason to.
    """
    parser = OneLineParser(prog=prog, description=description)
    parser.add_argument("--env", required=True, help="environment of config/environments.json")
    parser.add_argument(
        "--timeout", type=float, default=timeout_seconds, help=f"{timeout_help} (default %(default)s)"
    )
    parser.add_argument("--poll-seconds", type=float, default=poll_seconds, help=argparse.SUPPRESS)
    return parser


def require_positive_times(args: argparse.Namespace) -> None:
    """``--timeout`` and ``--poll-seconds`` must be positive (one line, exit 2 otherwise)."""
    if args.timeout <= 0 or args.poll_seconds <= 0:
        raise UsageError("--timeout and --poll-seconds must be positive")


class ClientFactory(Protocol):
    """Makes the AWS client of a service for an environment (tests hand stubbed clients)."""

    def __call__(self, config: EnvironmentConfig, service: str) -> Any: ...


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def is_throttled(error: ClientError) -> bool:
    return error_code(error) in THROTTLING_CODES


def describe_error(error: ClientError) -> str:
    """``Code: message`` of an AWS error, on one line."""
    details = error.response.get("Error", {})
    message = " ".join(str(details.get("Message", "")).split())
    return f"{details.get('Code', 'Error')}: {message}".rstrip(": ")


def load_config(env: str) -> EnvironmentConfig:
    try:
        return load_environment(env)
    except ConfigError as error:
        raise UsageError(str(error)) from error


def aws_clients(config: EnvironmentConfig, service: str) -> Any:
    """A client of ``service`` in the environment's region, refusing to start without credentials."""
    import boto3

    session = boto3.Session(region_name=config.region)
    if session.get_credentials() is None:
        raise NoCredentialsError()
    return session.client(service, config=RETRY_CONFIG)


@dataclass(frozen=True)
class Deployment:
    """The outputs of an environment's deployed stacks, by stack role (``connect``, ``bot``)."""

    config: EnvironmentConfig
    outputs: Mapping[str, Mapping[str, str]]

    def output(self, role: str, key: str) -> str:
        stack = stack_name(self.config, role)
        try:
            return self.outputs[role][key]
        except KeyError as error:
            raise UsageError(
                f"stack {stack} has no output {key}: deploy this version (make deploy ENV={self.config.name})"
            ) from error

    @property
    def instance_id(self) -> str:
        return self.output("connect", "InstanceId")


def stack_name(config: EnvironmentConfig, role: str) -> str:
    """``<name_prefix>-<role>``, as ``stacks.environment`` names the stacks."""
    return f"{config.name_prefix}-{role}"


def read_deployment(config: EnvironmentConfig, cloudformation: Any, roles: tuple[str, ...]) -> Deployment:
    """The outputs of the environment's stacks of ``roles`` (CloudFormation ``DescribeStacks``)."""
    outputs: dict[str, dict[str, str]] = {}
    for role in roles:
        name = stack_name(config, role)
        try:
            stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
        except ClientError as error:
            if error_code(error) == "ValidationError" and "does not exist" in str(error):
                raise UsageError(
                    f"stack {name} is not deployed in {config.region}: make deploy ENV={config.name} first"
                ) from error
            raise
        outputs[role] = {item["OutputKey"]: item["OutputValue"] for item in stacks[0].get("Outputs", [])}
    return Deployment(config=config, outputs=outputs)


def run(command: str, body: Callable[[], int], *, stderr: TextIO | None = None) -> int:
    """Run ``body``; turn every way it can stop into one line on stderr and an exit status."""
    try:
        return body()
    except UsageError as error:
        message, status = str(error), EXIT_USAGE
    except (NoCredentialsError, PartialCredentialsError):
        message = "no AWS credentials found: set AWS_PROFILE or sign in (aws sso login) and try again"
        status = EXIT_USAGE
    except CheckFailed as error:
        message, status = str(error), EXIT_FAILED
    except ClientError as error:
        message = f"AWS refused {error.operation_name or 'a request'}: {describe_error(error)}"
        status = EXIT_FAILED
    except BotoCoreError as error:
        message, status = " ".join(str(error).split()), EXIT_FAILED
    except KeyboardInterrupt:
        message, status = "interrupted; what it had started was stopped (see above)", EXIT_INTERRUPTED
    print(f"{command}: {message}", file=stderr if stderr is not None else sys.stderr)
    return status
