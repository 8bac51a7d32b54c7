"""Interactions of the Flow language (side effects, no contact or participant needed: Lambda, profiles).

Reference: https://docs.aws.amazon.com/connect/latest/APIReference/interactions.html (its index lists
AssociateContactToCustomerProfile, CreateCallbackContact, CreateCustomerProfile, InvokeLambdaFunction,
GetCustomerProfile, GetCustomerProfileObject, GetCalculatedAttributesForCustomerProfile and
UpdateCustomerProfile). Flow types and channels come from the admin-guide blocks "AWS Lambda function",
"Customer profiles" and, for callbacks, the action page's Restrictions.

The Customer Profiles pages write ``ProfileRequestData``/``ProfileResponseData`` in a pseudo-JSON
notation; flows that Connect accepted (console exports) write ``ProfileRequestData`` as an object of
field → value and ``ProfileResponseData`` as a list of field names, e.g.
``{"ProfileRequestData": {"IdentifierName": "_phone", "IdentifierValue": "$.CustomerEndpoint.Address"},
"ProfileResponseData": ["FirstName", "LastName"]}``. The model follows the exports.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from flowlang.model import (
    ALL_CHANNELS,
    ALL_FLOW_TYPES,
    EXAMPLE_INSTANCE_ARN,
    NO_MATCHING_ERROR,
    REFERENCE_DOCS,
    ActionType,
    Category,
    CrossCheck,
    FlowType,
    Kind,
    Param,
)

MULTIPLE_FOUND_ERROR: Final = "MultipleFoundError"
NONE_FOUND_ERROR: Final = "NoneFoundError"

#: Synchronous invocations may wait at most 8 s; asynchronous ones up to 60 s (admin guide, AWS Lambda
#: function block: "up to 8 seconds for synchronous mode and up to 60 seconds for asynchronous mode").
LAMBDA_SYNCHRONOUS_LIMIT_SECONDS: Final = 8
LAMBDA_ASYNCHRONOUS_LIMIT_SECONDS: Final = 60
#: Callback delays: larger than 0, no greater than 259,200 s (three days).
CALLBACK_MAX_DELAY_SECONDS: Final = 259_200
_INT32_MAX: Final = 2_147_483_647

# --- Customer Profiles field names ------------------------------------------------------------------

_ADDRESS_PARTS: Final = (
    "Address1",
    "Address2",
    "Address3",
    "Address4",
    "City",
    "County",
    "Country",
    "PostalCode",
    "Province",
    "State",
)
#: The standard profile fields the Create/Get/UpdateCustomerProfile pages list (plus ``Attributes.<key>``).
PROFILE_FIELDS: Final = frozenset(
    {
        "FirstName",
        "MiddleName",
        "LastName",
        "PhoneNumber",
        "EmailAddress",
        "AccountNumber",
        "AdditionalInformation",
        "PartyType",
        "BusinessName",
        "BirthDate",
        "Gender",
        "MobilePhoneNumber",
        "HomePhoneNumber",
        "BusinessPhoneNumber",
        "BusinessEmailAddress",
        *_ADDRESS_PARTS,
        *(f"{kind}{part}" for kind in ("Shipping", "Mailing", "Billing") for part in _ADDRESS_PARTS),
    }
)
_ORDER_ADDRESS: Final = ("Name", *_ADDRESS_PARTS)
#: The object fields GetCustomerProfileObject lists (plus ``AssetAttributes.x``, ``OrderAttributes.x``,
#: ``CaseAttributes.x`` and ``ObjectAttributes.x``).
PROFILE_OBJECT_FIELDS: Final = frozenset(
    {
        *(
            f"Asset{name}"
            for name in (
                "AssetId",
                "ProfileId",
                "AssetName",
                "SerialNumber",
                "ModelNumber",
                "ModelName",
                "ProductSKU",
                "PurchaseDate",
                "UsageEndDate",
                "Status",
                "Price",
                "Quantity",
                "Description",
                "AdditionalInformation",
                "DataSource",
            )
        ),
        *(
            f"Order{name}"
            for name in (
                "OrderId",
                "ProfileId",
                "CustomerEmail",
                "CustomerPhone",
                "CreatedDate",
                "UpdatedDate",
                "ProcessedDate",
                "ClosedDate",
                "CancelledDate",
                "CancelReason",
                "Name",
                "AdditionalInformation",
                "Gateway",
                "Status",
                "StatusCode",
                "StatusUrl",
                "CreditCardNumber",
                "CreditCardCompany",
                "FulfillmentStatus",
                "TotalPrice",
                "TotalTax",
                "TotalDiscounts",
                "TotalItemsPrice",
                "TotalShippingPrice",
                "TotalTipReceived",
                "Currency",
                "TotalWeight",
                *(f"Billing{part}" for part in _ORDER_ADDRESS),
                *(f"Shipping{part}" for part in _ORDER_ADDRESS),
            )
        ),
        *(
            f"Case{name}"
            for name in (
                "CaseId",
                "ProfileId",
                "Title",
                "Summary",
                "Status",
                "Reason",
                "CreatedBy",
                "CreatedDate",
                "UpdatedDate",
                "ClosedDate",
                "AdditionalInformation",
                "DataSource",
            )
        ),
    }
)
_PROFILE_ATTRIBUTE_PREFIXES: Final = ("Attributes.",)
_OBJECT_ATTRIBUTE_PREFIXES: Final = (
    "AssetAttributes.",
    "OrderAttributes.",
    "CaseAttributes.",
    "ObjectAttributes.",
)
_CALCULATED_PREFIXES: Final = ("CalculatedAttributes.",)


def _known_name(name: Any, known: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    return isinstance(name, str) and (
        name in known or any(name.startswith(prefix) and len(name) > len(prefix) for prefix in prefixes)
    )


def _check_response_fields(action: str, known: frozenset[str], prefixes: tuple[str, ...]) -> CrossCheck:
    """Warns about ProfileResponseData names the action page does not list."""

    def check(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
        names = parameters.get("ProfileResponseData")
        if not isinstance(names, list):
            return
        for name in names:
            if not _known_name(name, known, prefixes):
                yield (
                    "warning",
                    f"{action}.ProfileResponseData",
                    f"ProfileResponseData names {name!r}, which the {action} page does not list",
                )

    return check


def _check_request_fields(action: str) -> CrossCheck:
    """Warns about ProfileRequestData keys that are not profile fields (Create/UpdateCustomerProfile)."""

    def check(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
        request = parameters.get("ProfileRequestData")
        if not isinstance(request, Mapping):
            return
        for key in request:
            if not _known_name(key, PROFILE_FIELDS, _PROFILE_ATTRIBUTE_PREFIXES):
                yield (
                    "warning",
                    f"{action}.ProfileRequestData",
                    f"ProfileRequestData key {key!r} is not a profile field of the {action} page",
                )

    return check


def _check_profile_search(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """GetCustomerProfile: IdentifierName + IdentifierValue, or SearchCriteria (with LogicalOperator)."""
    request = parameters.get("ProfileRequestData")
    if not isinstance(request, Mapping):
        return
    single = "IdentifierName" in request or "IdentifierValue" in request
    criteria = request.get("SearchCriteria")
    legacy = "PhoneNumber" in request or "EmailAddress" in request
    if single and not ("IdentifierName" in request and "IdentifierValue" in request):
        yield (
            "error",
            "GetCustomerProfile.identifier",
            "IdentifierName and IdentifierValue must be given together",
        )
    if single and criteria is not None:
        yield (
            "error",
            "GetCustomerProfile.identifier",
            "give either IdentifierName/IdentifierValue or SearchCriteria, not both",
        )
    if not single and criteria is None and not legacy:
        yield (
            "error",
            "GetCustomerProfile.identifier",
            "ProfileRequestData needs IdentifierName and IdentifierValue, or SearchCriteria",
        )
    if criteria is not None:
        if not isinstance(criteria, list) or not 1 <= len(criteria) <= 5:
            yield (
                "error",
                "GetCustomerProfile.criteria",
                "SearchCriteria holds one to five search identifiers",
            )
        if "LogicalOperator" not in request:
            yield (
                "error",
                "GetCustomerProfile.criteria",
                "LogicalOperator (AND or OR) is required with SearchCriteria",
            )


def _check_profile_object_search(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """GetCustomerProfileObject: UseLatest, or IdentifierName and IdentifierValue."""
    request = parameters.get("ProfileRequestData")
    if not isinstance(request, Mapping):
        return
    has_identifier = "IdentifierName" in request and "IdentifierValue" in request
    if "UseLatest" not in request and not has_identifier:
        yield (
            "error",
            "GetCustomerProfileObject.search",
            "ProfileRequestData needs UseLatest, or IdentifierName and IdentifierValue",
        )
    if ("IdentifierName" in request) != ("IdentifierValue" in request):
        yield (
            "error",
            "GetCustomerProfileObject.search",
            "IdentifierName and IdentifierValue must be given together",
        )


def _check_lambda_time_limit(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """InvokeLambdaFunction: at most 8 s unless ASYNCHRONOUS (60 s); every accepted flow sets a limit."""
    limit = parameters.get("InvocationTimeLimitSeconds")
    if limit is None:
        yield (
            "warning",
            "InvokeLambdaFunction.time-limit",
            "InvocationTimeLimitSeconds is not set (the page gives no default; every accepted flow sets it)",
        )
        return
    if (
        isinstance(limit, str)
        and limit.isdigit()
        and int(limit) > LAMBDA_SYNCHRONOUS_LIMIT_SECONDS
        and parameters.get("InvocationType") != "ASYNCHRONOUS"
    ):
        yield (
            "error",
            "InvokeLambdaFunction.time-limit",
            f"InvocationTimeLimitSeconds {limit} exceeds {LAMBDA_SYNCHRONOUS_LIMIT_SECONDS} s for a "
            f"synchronous invocation (only ASYNCHRONOUS allows up to {LAMBDA_ASYNCHRONOUS_LIMIT_SECONDS} s)",
        )


def _check_callback_settings(parameters: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """CreateCallbackContact: the page does not mark the three delay/attempt settings optional."""
    for name in ("InitialCallDelaySeconds", "MaximumConnectionAttempts", "RetryDelaySeconds"):
        if name not in parameters and not (
            name == "InitialCallDelaySeconds" and "ContactFlowId" in parameters
        ):
            yield (
                "warning",
                "CreateCallbackContact.settings",
                f"{name} is not set; the page lists it without '[Optional]'",
            )


_PROFILE_RESPONSE_NOTE: Final = (
    "A list of field names (strings), as console exports write it; the page's pseudo-JSON shows the "
    "names inside braces. Each named field becomes $.Customer.<field>."
)


def _profile_response(notes: str = _PROFILE_RESPONSE_NOTE) -> Param:
    return Param("ProfileResponseData", Kind.LIST, notes=notes)


_SEARCH_IDENTIFIER: Final = (
    Param("IdentifierName", Kind.DYNAMIC, required=True),
    Param("IdentifierValue", Kind.DYNAMIC, required=True),
)

ACTIONS: Final = (
    ActionType(
        name="AssociateContactToCustomerProfile",
        category=Category.INTERACTION,
        doc=REFERENCE_DOCS + "interactions-associatecontacttocustomerprofile.html",
        summary="Associates a contact with an existing customer profile (Customer Profiles AddProfileKey).",
        parameters=(
            Param(
                "ProfileRequestData",
                Kind.OBJECT,
                required=True,
                fields=(
                    Param("ProfileId", Kind.DYNAMIC, required=True),
                    Param("ContactId", Kind.DYNAMIC, required=True),
                ),
            ),
            _profile_response("The page documents no response fields ('None.'); may be omitted."),
        ),
        errors=frozenset({NO_MATCHING_ERROR}),
        flow_types=ALL_FLOW_TYPES,
        channels=ALL_CHANNELS,
        example={"ProfileRequestData": {"ProfileId": "$.Customer.ProfileId", "ContactId": "$.ContactId"}},
    ),
    ActionType(
        name="CreateCallbackContact",
        category=Category.INTERACTION,
        doc=REFERENCE_DOCS + "interactions-createcallbackcontact.html",
        summary="Creates a callback contact to the contact's callback number, routed by a queue or agent.",
        parameters=(
            Param("QueueId", Kind.DYNAMIC, notes="Optional; default: the contact's current target queue."),
            Param("AgentId", Kind.DYNAMIC, notes="Optional; an agent queue. Not together with QueueId."),
            Param(
                "InitialCallDelaySeconds",
                Kind.STATIC,
                integer=(1, CALLBACK_MAX_DELAY_SECONDS),
                notes="Ignored when ContactFlowId is given (page description).",
            ),
            Param(
                "MaximumConnectionAttempts",
                Kind.STATIC,
                integer=(1, _INT32_MAX),
                notes="Larger than zero; the page documents no upper bound.",
            ),
            Param("RetryDelaySeconds", Kind.STATIC, integer=(1, CALLBACK_MAX_DELAY_SECONDS)),
            Param(
                "ContactFlowId",
                Kind.DYNAMIC,
                notes="Named only in the page's description ('If you specify a ContactFlowId, then "
                "InitialCallDelaySeconds parameter is ignored'), not in its parameter object: accepted, "
                "kind assumed like the other ids.",
            ),
        ),
        at_most_one_of=(frozenset({"QueueId", "AgentId"}),),
        errors=frozenset({NO_MATCHING_ERROR}),
        flow_types=frozenset(
            {
                FlowType.CONTACT_FLOW,
                FlowType.AGENT_TRANSFER,
                FlowType.QUEUE_TRANSFER,
                FlowType.CUSTOMER_QUEUE,
                FlowType.FLOW_MODULE,
            }
        ),
        channels=ALL_CHANNELS,
        cross_checks=(_check_callback_settings,),
        example={
            "QueueId": EXAMPLE_INSTANCE_ARN + "/queue/3c7e9a12-5b4d-4f8e-a1c6-9d2b7e4f0a35",
            "InitialCallDelaySeconds": "30",
            "MaximumConnectionAttempts": "3",
            "RetryDelaySeconds": "600",
        },
        notes=(
            "Restrictions: contact flows, transfer flows and customer queue flows; not whisper or hold "
            "flows (FLOW_MODULE added to stay permissive). The page names no channel restriction; the "
            "callback itself is a voice call to the contact's CustomerCallbackNumber (set by "
            "UpdateContactCallbackNumber). InitialCallDelaySeconds, MaximumConnectionAttempts and "
            "RetryDelaySeconds are not marked '[Optional]' but not marked required either: a missing one is "
            "a warning. Not used by any corpus flow."
        ),
    ),
    ActionType(
        name="CreateCustomerProfile",
        category=Category.INTERACTION,
        doc=REFERENCE_DOCS + "interactions-createcustomerprofile.html",
        summary="Creates a customer profile; its id is stored in $.Customer.ProfileId.",
        parameters=(
            Param(
                "ProfileRequestData",
                Kind.OBJECT,
                notes="Keys are the standard profile fields (PROFILE_FIELDS) or 'Attributes.<key>'; all "
                "optional. fields=None as 'Attributes.<key>' is a pattern; unknown keys are warned about.",
            ),
            _profile_response(),
        ),
        errors=frozenset({NO_MATCHING_ERROR}),
        flow_types=ALL_FLOW_TYPES,
        channels=ALL_CHANNELS,
        cross_checks=(
            _check_request_fields("CreateCustomerProfile"),
            _check_response_fields("CreateCustomerProfile", PROFILE_FIELDS, _PROFILE_ATTRIBUTE_PREFIXES),
        ),
        example={
            "ProfileRequestData": {
                "FirstName": "$.Attributes.firstName",
                "LastName": "$.Attributes.lastName",
                "PhoneNumber": "$.CustomerEndpoint.Address",
            },
            "ProfileResponseData": ["FirstName", "LastName"],
        },
    ),
    ActionType(
        name="InvokeLambdaFunction",
        category=Category.INTERACTION,
        doc=REFERENCE_DOCS + "interactions-invokelambdafunction.html",
        summary="Invokes an AWS Lambda function; its response is available under $.External.",
        parameters=(
            Param("LambdaFunctionARN", Kind.DYNAMIC, required=True),
            Param(
                "InvocationTimeLimitSeconds",
                Kind.STATIC,
                integer=(1, LAMBDA_ASYNCHRONOUS_LIMIT_SECONDS),
                notes="The action page says 1-8. The admin guide's AWS Lambda function block allows 8 s "
                "synchronous and up to 60 s asynchronous, so the range is 1-60 and a cross-check holds "
                "synchronous calls to 8. Not marked required, but every corpus flow sets it (3-8).",
            ),
            Param(
                "InvocationType",
                Kind.STATIC,
                values=frozenset({"SYNCHRONOUS", "ASYNCHRONOUS"}),
                notes="Optional: omitted by scv_agent_transfer, scv_queue_transfer, survey_flow_module, "
                "acme_main and get_customer_response_module; only vmx3_inqueue_option_queue sets it.",
            ),
            Param("LambdaInvocationAttributes", Kind.MAP),
            Param(
                "ResponseValidation",
                Kind.OBJECT,
                fields=(
                    Param(
                        "ResponseType", Kind.STATIC, required=True, values=frozenset({"STRING_MAP", "JSON"})
                    ),
                ),
                notes="Optional: omitted by the SCV flows and survey_flow_module; STRING_MAP in "
                "vmx3_inqueue_option_queue, acme_main and get_customer_response_module.",
            ),
        ),
        errors=frozenset({NO_MATCHING_ERROR}),
        flow_types=ALL_FLOW_TYPES,
        channels=ALL_CHANNELS,
        cross_checks=(_check_lambda_time_limit,),
        example={
            "LambdaFunctionARN": "arn:aws:lambda:ap-northeast-2:111122223333:function:contact-flow-handler",
            "InvocationTimeLimitSeconds": "8",
            "InvocationType": "SYNCHRONOUS",
            "LambdaInvocationAttributes": {
                "intent": "$.Lex.IntentName",
                "caller": "$.CustomerEndpoint.Address",
            },
            "ResponseValidation": {"ResponseType": "STRING_MAP"},
        },
        notes=(
            "Restrictions: 'supported by all channels and in all types of flows' (the admin-guide block page "
            "lists every flow type but outbound whisper; the action page wins). Conditions are not "
            'supported, yet scv_agent_transfer and scv_queue_transfer carry an empty "Conditions": [] '
            "list: an empty list is accepted. ASYNCHRONOUS invocations continue at once; their result is "
            "loaded later (Load Lambda result, $.LambdaInvocation.InvocationId)."
        ),
    ),
    ActionType(
        name="GetCustomerProfile",
        category=Category.INTERACTION,
        doc=REFERENCE_DOCS + "interactions-getcustomerprofile.html",
        summary="Finds one customer profile by up to five search identifiers; fields go to $.Customer.",
        parameters=(
            Param(
                "ProfileRequestData",
                Kind.OBJECT,
                required=True,
                fields=(
                    Param("IdentifierName", Kind.DYNAMIC),
                    Param(
                        "IdentifierValue",
                        Kind.DYNAMIC,
                        notes="The page spells it 'IdentiferValue' once; exports use IdentifierValue.",
                    ),
                    Param("SearchCriteria", Kind.LIST, fields=_SEARCH_IDENTIFIER),
                    Param("LogicalOperator", Kind.STATIC, values=frozenset({"AND", "OR"})),
                    Param(
                        "PhoneNumber",
                        Kind.DYNAMIC,
                        notes="Older page version (search by phone number or email); kept for older flows.",
                    ),
                    Param("EmailAddress", Kind.DYNAMIC, notes="Older page version; kept for older flows."),
                ),
            ),
            _profile_response(),
        ),
        errors=frozenset({MULTIPLE_FOUND_ERROR, NONE_FOUND_ERROR, NO_MATCHING_ERROR}),
        flow_types=ALL_FLOW_TYPES,
        channels=ALL_CHANNELS,
        cross_checks=(
            _check_profile_search,
            _check_response_fields("GetCustomerProfile", PROFILE_FIELDS, _PROFILE_ATTRIBUTE_PREFIXES),
        ),
        example={
            "ProfileRequestData": {
                "IdentifierName": "_phone",
                "IdentifierValue": "$.CustomerEndpoint.Address",
            },
            "ProfileResponseData": ["FirstName", "LastName", "PhoneNumber"],
        },
        notes="The profile id of a single match is always stored in $.Customer.ProfileId.",
    ),
    ActionType(
        name="GetCustomerProfileObject",
        category=Category.INTERACTION,
        doc=REFERENCE_DOCS + "interactions-getcustomerprofileobject.html",
        summary="Retrieves a profile object (asset, order, case) by recency or identifier into $.Customer.",
        parameters=(
            Param(
                "ProfileRequestData",
                Kind.OBJECT,
                required=True,
                fields=(
                    Param("ProfileId", Kind.DYNAMIC, required=True),
                    Param("ObjectType", Kind.DYNAMIC, required=True),
                    Param("IdentifierName", Kind.DYNAMIC),
                    Param("IdentifierValue", Kind.DYNAMIC),
                    Param(
                        "UseLatest",
                        Kind.STATIC,
                        values=frozenset({"true", "false", "True", "False"}),
                        notes="The page writes 'true / false' (and 'UseLatset' once in the HTML copy).",
                    ),
                ),
            ),
            _profile_response(
                "A list of object field names (PROFILE_OBJECT_FIELDS or '<Asset|Order|Case|Object>"
                "Attributes.x'); "
                "a single asset/order/case id is always stored in $.Customer.Asset.AssetId, "
                "$.Customer.Order.OrderId or $.Customer.Case.CaseId."
            ),
        ),
        errors=frozenset({NONE_FOUND_ERROR, NO_MATCHING_ERROR}),
        flow_types=ALL_FLOW_TYPES,
        channels=ALL_CHANNELS,
        cross_checks=(
            _check_profile_object_search,
            _check_response_fields(
                "GetCustomerProfileObject", PROFILE_OBJECT_FIELDS, _OBJECT_ATTRIBUTE_PREFIXES
            ),
        ),
        example={
            "ProfileRequestData": {
                "ProfileId": "$.Customer.ProfileId",
                "ObjectType": "_asset",
                "UseLatest": "true",
            },
            "ProfileResponseData": ["AssetAssetId", "AssetAssetName", "AssetStatus"],
        },
    ),
    ActionType(
        name="GetCalculatedAttributesForCustomerProfile",
        category=Category.INTERACTION,
        doc=REFERENCE_DOCS + "interactions-getcalculatedattributesforcustomerprofile.html",
        summary="Retrieves calculated attributes of a customer profile into $.Customer.",
        parameters=(
            Param(
                "ProfileRequestData",
                Kind.OBJECT,
                required=True,
                fields=(Param("ProfileId", Kind.DYNAMIC, required=True),),
            ),
            _profile_response(
                "A list of 'CalculatedAttributes.<name>' names (CalculatedAttributes._average_hold_time)."
            ),
        ),
        errors=frozenset({NONE_FOUND_ERROR, NO_MATCHING_ERROR}),
        flow_types=ALL_FLOW_TYPES,
        channels=ALL_CHANNELS,
        cross_checks=(
            _check_response_fields(
                "GetCalculatedAttributesForCustomerProfile", frozenset(), _CALCULATED_PREFIXES
            ),
        ),
        example={
            "ProfileRequestData": {"ProfileId": "$.Customer.ProfileId"},
            "ProfileResponseData": [
                "CalculatedAttributes._average_hold_time",
                "CalculatedAttributes._frequent_caller",
            ],
        },
    ),
    ActionType(
        name="UpdateCustomerProfile",
        category=Category.INTERACTION,
        doc=REFERENCE_DOCS + "interactions-updatecustomerprofile.html",
        summary="Updates the customer profile created or retrieved earlier in the flow.",
        parameters=(
            Param(
                "ProfileRequestData",
                Kind.OBJECT,
                notes="Keys are the standard profile fields (PROFILE_FIELDS) or 'Attributes.<key>'; all "
                "optional. No ProfileId: the profile found or created earlier in the flow is updated.",
            ),
            _profile_response(),
        ),
        errors=frozenset({NO_MATCHING_ERROR}),
        flow_types=ALL_FLOW_TYPES,
        channels=ALL_CHANNELS,
        cross_checks=(
            _check_request_fields("UpdateCustomerProfile"),
            _check_response_fields("UpdateCustomerProfile", PROFILE_FIELDS, _PROFILE_ATTRIBUTE_PREFIXES),
        ),
        example={
            "ProfileRequestData": {
                "EmailAddress": "$.Attributes.email",
                "Attributes.preferredLanguage": "ko-KR",
            },
            "ProfileResponseData": ["EmailAddress"],
        },
    ),
)
