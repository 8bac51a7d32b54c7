"""A deploy-time custom resource backed by one of the app's own functions.

The FAQ loader (``Custom::FaqContent``) and the phone-number-to-flow link
(``Custom::PhoneNumberFlow``) are both built this way: a function configured like every function
of the app (:func:`constructs_lib.bot_functions.create_bot_function`, so the same runtime,
logging, tracing and least-privilege role), with Powertools observability variables only, and a
``CustomResource`` whose service token is that function. The handlers answer CloudFormation
themselves (``handlers.custom_resource``), so no CDK provider framework sits in between.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aws_cdk import CustomResource, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.bot_functions import create_bot_function
from constructs_lib.function_environment import observability_environment

#: Construct ids inside the owning construct; they name the resources' logical ids.
FUNCTION_ID = "Function"
RESOURCE_ID = "Resource"


@dataclass(frozen=True)
class CustomResourceFunction:
    """What :func:`create_custom_resource_function` built.

    Attributes:
        function: the handler function (the resource's service token).
        log_group: its log group.
        resource: the custom resource.
    """

    function: lambda_.Function
    log_group: logs.LogGroup
    resource: CustomResource


def create_custom_resource_function(
    scope: Construct,
    *,
    config: EnvironmentConfig,
    code: lambda_.Code,
    layer: lambda_.ILayerVersion,
    handler: str,
    purpose: str,
    service_name: str,
    memory_size: int,
    timeout: Duration,
    statements: Iterable[iam.PolicyStatement],
    resource_type: str,
    properties: Mapping[str, Any],
) -> CustomResourceFunction:
    """The function ``handler`` and the ``resource_type`` custom resource it serves, inside ``scope``.

    ``purpose`` completes the function's description (``"<prefix> <purpose> (CloudFormation
    custom resource)"``); ``service_name`` is its ``POWERTOOLS_SERVICE_NAME``; ``statements`` are
    the only permissions it gets beyond its own logs and X-Ray. ``properties`` are the resource's
    (``ServiceToken`` is added). The resource depends on the function, which depends on its
    permissions, so CloudFormation runs the handler only once it may do its work.
    """
    function, log_group = create_bot_function(
        scope,
        FUNCTION_ID,
        config=config,
        code=code,
        layer=layer,
        handler=handler,
        description=f"{config.name_prefix} {purpose} (CloudFormation custom resource)",
        memory_size=memory_size,
        timeout=timeout,
        environment=observability_environment(service_name),
        statements=statements,
    )
    resource = CustomResource(
        scope,
        RESOURCE_ID,
        service_token=function.function_arn,
        resource_type=resource_type,
        properties=dict(properties),
    )
    return CustomResourceFunction(function=function, log_group=log_group, resource=resource)
