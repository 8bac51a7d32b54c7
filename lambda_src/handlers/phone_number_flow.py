"""CloudFormation custom resource that links a claimed phone number to the inbound contact flow.

``AWS::Connect::PhoneNumber`` has no property for the flow a call to the number runs, and without
that link a claimed number does not answer. This handler makes it with Connect's
``AssociatePhoneNumberContactFlow`` and removes it with ``DisassociatePhoneNumberContactFlow``.

Properties (``Custom::PhoneNumberFlow``):
    InstanceArn: the Connect instance (an instance id is accepted too; the API takes the id).
    PhoneNumberArn: the claimed number (the API takes its ARN or id; the ARN is passed as is).
    ContactFlowArn: the flow (a flow id is accepted too; the id is what follows
        ``/contact-flow/`` in the ARN).

Lifecycle, following CloudFormation's replacement semantics:
    * Create / Update associate the number with the flow. Associating again is how the flow of a
      number is changed, so an Update with the same number keeps the PhysicalResourceId.
    * The PhysicalResourceId is the number: an Update to a *different* number answers a new id,
      which CloudFormation treats as a replacement and, once the update succeeded, sends a Delete
      for the old id carrying the old properties. That Delete disassociates the old number, so the
      Update itself never does (a rollback then finds the old association untouched).
    * Delete disassociates; ``ResourceNotFoundException`` (number released, association gone)
      counts as done.
    * A failed Create answers an id marked ``not-associated``: the Delete CloudFormation sends to
      roll it back then knows nothing was linked. A failed Update keeps the current id, so a
      failure is never mistaken for a replacement.

Connect allows about 2 API requests a second (burst 5): the client retries throttling in botocore's
standard mode with exponential backoff. Only ARNs are logged; the handler never sees the number
itself (the platform logger masks any phone number regardless).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from handlers import custom_resource
from handlers.custom_resource import (
    REQUEST_CREATE,
    REQUEST_DELETE,
    REQUEST_UPDATE,
    STATUS_SUCCESS,
    CustomResourceError,
    Sender,
    required_property,
    resource_properties,
    send_response,
)
from handlers.observability import logger

RESOURCE_TYPE: Final = "Custom::PhoneNumberFlow"
PROPERTY_INSTANCE: Final = "InstanceArn"
PROPERTY_PHONE_NUMBER: Final = "PhoneNumberArn"
PROPERTY_CONTACT_FLOW: Final = "ContactFlowArn"

#: Marks the PhysicalResourceId of a Create that failed: its rollback Delete has nothing to undo.
NOT_ASSOCIATED_PREFIX: Final = "not-associated:"

#: botocore client: standard retry mode retries ThrottlingException with exponential backoff
#: (Connect allows about 2 requests a second); attempts include the first call.
CLIENT_MAX_ATTEMPTS: Final = 8
CLIENT_CONNECT_TIMEOUT_SECONDS: Final = 2.0
CLIENT_READ_TIMEOUT_SECONDS: Final = 5.0

RESOURCE_NAME: Final = "Phone number flow"
WORK_NAME: Final = "Phone number flow association"

_INSTANCE_ARN_MARKER: Final = ":instance/"
_CONTACT_FLOW_ARN_MARKER: Final = "/contact-flow/"
_NOT_FOUND: Final = "ResourceNotFoundException"

ClientFactory = Callable[[], Any]


@dataclass(frozen=True, slots=True)
class Association:
    """What to link: the API's identifiers, taken from the resource's properties."""

    instance_id: str
    phone_number_id: str
    contact_flow_id: str

    @classmethod
    def from_properties(cls, properties: Mapping[str, Any]) -> Association:
        """Validated identifiers; :class:`CustomResourceError` names the first bad property."""
        instance_id = instance_id_of(required_property(properties, PROPERTY_INSTANCE))
        contact_flow_arn = required_property(properties, PROPERTY_CONTACT_FLOW)
        flow_instance = contact_flow_instance_id(contact_flow_arn)
        if flow_instance is not None and flow_instance != instance_id:
            raise CustomResourceError(
                f"{PROPERTY_CONTACT_FLOW} belongs to instance {flow_instance}, not to {instance_id}"
            )
        return cls(
            instance_id=instance_id,
            phone_number_id=required_property(properties, PROPERTY_PHONE_NUMBER),
            contact_flow_id=contact_flow_id_of(contact_flow_arn),
        )

    def as_data(self) -> dict[str, str]:
        """The custom resource's ``Data`` (for ``Fn::GetAtt``)."""
        return {"InstanceId": self.instance_id, "ContactFlowId": self.contact_flow_id}


# --- identifiers ---------------------------------------------------------------------------------------


def instance_id_of(value: str) -> str:
    """The instance id of an instance ARN (``arn:...:instance/<id>``), or ``value`` if it is an id."""
    if not value.startswith("arn:"):
        return value
    if _INSTANCE_ARN_MARKER not in value:
        raise CustomResourceError(f"{PROPERTY_INSTANCE} is not a Connect instance ARN: {value!r}")
    instance_id = value.split(_INSTANCE_ARN_MARKER, 1)[1].split("/", 1)[0]
    if not instance_id:
        raise CustomResourceError(f"{PROPERTY_INSTANCE} has no instance id: {value!r}")
    return instance_id


def contact_flow_id_of(value: str) -> str:
    """The flow id of a flow ARN (what follows ``/contact-flow/``), or ``value`` if it is an id."""
    if not value.startswith("arn:"):
        return value
    if _CONTACT_FLOW_ARN_MARKER not in value:
        raise CustomResourceError(f"{PROPERTY_CONTACT_FLOW} is not a Connect contact flow ARN: {value!r}")
    flow_id = value.split(_CONTACT_FLOW_ARN_MARKER, 1)[1]
    if not flow_id or "/" in flow_id:
        raise CustomResourceError(f"{PROPERTY_CONTACT_FLOW} has no flow id: {value!r}")
    return flow_id


def contact_flow_instance_id(value: str) -> str | None:
    """The instance a flow ARN belongs to (``instance/<id>/contact-flow/...``); None for a bare id."""
    if not value.startswith("arn:") or _INSTANCE_ARN_MARKER not in value:
        return None
    return value.split(_INSTANCE_ARN_MARKER, 1)[1].split("/", 1)[0] or None


def physical_resource_id(request: Mapping[str, Any], status: str) -> str:
    """The id to answer: the phone number on success, the current id otherwise (see module doc).

    Never raises: it runs outside the work, after any error has been turned into the answer.
    """
    current = request.get("PhysicalResourceId")
    request_type = request.get("RequestType")
    keeps_current = request_type == REQUEST_DELETE or (
        request_type == REQUEST_UPDATE and status != STATUS_SUCCESS
    )
    if keeps_current and isinstance(current, str) and current:
        return current
    phone_number = resource_properties(request).get(PROPERTY_PHONE_NUMBER)
    if status == STATUS_SUCCESS and isinstance(phone_number, str) and phone_number.strip():
        return phone_number.strip()
    return f"{NOT_ASSOCIATED_PREFIX}{request.get('LogicalResourceId', 'unknown')}"


# --- Connect --------------------------------------------------------------------------------------------


def associate(client: Any, association: Association) -> None:
    """Run calls to the number through the flow (replaces the number's previous flow)."""
    client.associate_phone_number_contact_flow(
        PhoneNumberId=association.phone_number_id,
        InstanceId=association.instance_id,
        ContactFlowId=association.contact_flow_id,
    )
    logger.info(
        "phone number associated with the contact flow",
        extra={
            "phone_number_arn": association.phone_number_id,
            "contact_flow_id": association.contact_flow_id,
            "instance_id": association.instance_id,
        },
    )


def disassociate(client: Any, *, phone_number_id: str, instance_id: str) -> bool:
    """Remove the number's flow; False when Connect no longer knows the number or its association."""
    from botocore.exceptions import ClientError

    try:
        client.disassociate_phone_number_contact_flow(PhoneNumberId=phone_number_id, InstanceId=instance_id)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != _NOT_FOUND:
            raise
        logger.info(
            "phone number or its flow association already gone",
            extra={"phone_number_arn": phone_number_id, "instance_id": instance_id},
        )
        return False
    logger.info(
        "phone number disassociated from its contact flow",
        extra={"phone_number_arn": phone_number_id, "instance_id": instance_id},
    )
    return True


def connect_client() -> Any:
    """A Connect client that retries throttling (standard mode) with short network timeouts."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "connect",
        config=Config(
            connect_timeout=CLIENT_CONNECT_TIMEOUT_SECONDS,
            read_timeout=CLIENT_READ_TIMEOUT_SECONDS,
            retries={"mode": "standard", "total_max_attempts": CLIENT_MAX_ATTEMPTS},
        ),
    )


# --- the handler ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhoneNumberFlowDependencies:
    """What the handler talks to; tests inject fakes."""

    client_factory: ClientFactory
    send: Sender


def default_dependencies() -> PhoneNumberFlowDependencies:
    """The real Connect client and an HTTPS PUT to CloudFormation."""
    return PhoneNumberFlowDependencies(client_factory=connect_client, send=send_response)


def lambda_handler(event: Any, context: Any) -> None:
    """CloudFormation custom-resource entry point; always answers CloudFormation when it can."""
    handle_event(event, context, default_dependencies())


def handle_event(
    event: Any, context: Any, dependencies: PhoneNumberFlowDependencies
) -> dict[str, Any] | None:
    """Serve the request within the Lambda's deadline and answer CloudFormation; returns the answer.

    Returns None only when there is nowhere to answer (no ``ResponseURL``).
    """
    return custom_resource.handle_request(
        event,
        context,
        work=lambda request: process(request, dependencies.client_factory),
        physical_resource_id=physical_resource_id,
        send=dependencies.send,
        resource_name=RESOURCE_NAME,
        work_name=WORK_NAME,
    )


def process(request: Mapping[str, Any], client_factory: ClientFactory) -> dict[str, str] | None:
    """Associate on Create/Update, disassociate on Delete; the resource's ``Data`` or None."""
    request_type = request.get("RequestType")
    properties = resource_properties(request)
    if request_type == REQUEST_DELETE:
        _delete(request, properties, client_factory)
        return None
    if request_type not in (REQUEST_CREATE, REQUEST_UPDATE):
        raise CustomResourceError(f"unknown RequestType {request_type!r}")
    association = Association.from_properties(properties)
    associate(client_factory(), association)
    return association.as_data()


def _delete(request: Mapping[str, Any], properties: Mapping[str, Any], client_factory: ClientFactory) -> None:
    physical_id = request.get("PhysicalResourceId")
    if isinstance(physical_id, str) and physical_id.startswith(NOT_ASSOCIATED_PREFIX):
        logger.info("the failed create linked nothing; nothing to remove")
        return
    phone_number_id = properties.get(PROPERTY_PHONE_NUMBER)
    instance = properties.get(PROPERTY_INSTANCE)
    if not isinstance(phone_number_id, str) or not phone_number_id or not isinstance(instance, str):
        # Refusing would block the stack's deletion for good; without a number there is no link.
        logger.warning("Delete without the phone number or instance; nothing to remove")
        return
    disassociate(client_factory(), phone_number_id=phone_number_id, instance_id=instance_id_of(instance))
