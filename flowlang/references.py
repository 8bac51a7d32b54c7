"""The JSONPath namespaces a contact flow may read (``$.Attributes.x``, ``$.Queue.Name``, ...).

Reference: "List of available contact attributes and their JSONPath references" in the Amazon
Connect Administrator Guide (https://docs.aws.amazon.com/connect/latest/adminguide/connect-attrib-list.html),
plus the flow-block pages that document their own results (AWS Lambda function: ``$.External`` and
``$.LambdaInvocation.InvocationId``; Customer profiles: ``$.Customer``; Loop: ``$.Loop.<name>``).

A namespace is keyed by its root, which may itself be dotted (``Lex.Slots``): a reference belongs to
the namespace of its longest matching root. A namespace either lists its documented sub-paths
(``fixed``) or accepts any key below its root (``open``: user-defined or data-driven keys such as
contact attributes, Lambda results, Lex slots, profile fields). A namespace with neither is a leaf
(``$.Channel``). Names of keys may contain ``-`` (SIP headers, flow attributes such as
``$.FlowAttributes.acme-exampleFunction``); keys that contain other characters (``connect:Subtype``)
are written in brackets: ``$.SegmentAttributes['connect:Subtype']``, and the attribute page itself
shows ``$['AwsRegion']`` as a spelling of ``$.AwsRegion``.

Every ``$.`` reference of the conformance corpus (``/work/shared/real_flows``) classifies as known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Namespace:
    """One JSONPath namespace of contact-flow data.

    Attributes:
        root: the dotted path after ``$.`` that names the namespace (``Queue``, ``Lex.Slots``).
        fixed: the documented dotted sub-paths below the root (``Name``, ``OutboundCallerId.Address``).
        open: any key below the root is allowed (user-defined or data-driven keys).
        summary: what the namespace holds, in one line.
        notes: where the documentation is incomplete or accepted flows go beyond it, what was decided.
    """

    root: str
    fixed: frozenset[str] = frozenset()
    open: bool = False
    summary: str = ""
    notes: str = ""

    @property
    def leaf(self) -> bool:
        """The root itself is the value (``$.Channel``): nothing may follow it."""
        return not self.fixed and not self.open


def _namespaces(items: Iterable[Namespace]) -> dict[str, Namespace]:
    table: dict[str, Namespace] = {}
    for item in items:
        if item.root in table:
            raise ValueError(f"namespace {item.root} is defined twice")
        table[item.root] = item
    return table


def _leaf(root: str, summary: str, notes: str = "") -> Namespace:
    return Namespace(root, summary=summary, notes=notes)


def _open(root: str, summary: str, notes: str = "") -> Namespace:
    return Namespace(root, open=True, summary=summary, notes=notes)


_AGENT_STATES: Final = (
    "Online",
    "Available",
    "Staffed",
    "AfterContactWork",
    "Busy",
    "Missed",
    "NonProductive",
)

#: Root → namespace, for every documented namespace of contact-flow data.
NAMESPACES: Final[Mapping[str, Namespace]] = _namespaces(
    (
        # --- system attributes -------------------------------------------------------------------
        _leaf("AwsRegion", "The AWS Region handling the contact (also written $['AwsRegion'])."),
        Namespace(
            "CustomerEndpoint",
            frozenset({"Address", "Type", "DisplayName"}),
            summary="The customer's phone number or email address, its type and display name.",
        ),
        Namespace(
            "SystemEndpoint",
            frozenset({"Address", "Type", "DisplayName"}),
            summary="The number the customer dialed (or the email address written to), type, display name.",
        ),
        Namespace(
            "AdditionalEmailRecipients",
            frozenset({"CcList", "ToList"}),
            summary="The CC and To recipients of an inbound email.",
        ),
        _leaf("CustomerId", "The customer's identification number (for example from a CRM)."),
        _leaf("StoredCustomerInput", "The input stored by the last Store customer input block."),
        _leaf("TextToSpeechVoiceId", "The Amazon Polly voice used for text-to-speech."),
        _leaf("ContactId", "The unique identifier of the contact."),
        _leaf("InitialContactId", "The identifier of the first contact of the contact chain."),
        _leaf("PreviousContactId", "The identifier of the contact before it was transferred."),
        _leaf(
            "RelatedContactId",
            "The identifier of a contact related to this one.",
            notes="Listed among the system attributes of the current page (not the archived copy).",
        ),
        Namespace("Task", frozenset({"ContactId"}), summary="The identifier of the task contact."),
        _leaf("Channel", "How the contact reached the contact center: VOICE, CHAT, TASK or EMAIL."),
        _leaf("InstanceARN", "The ARN of the Amazon Connect instance."),
        _leaf(
            "InitiationMethod",
            "How the contact was initiated (INBOUND, OUTBOUND, TRANSFER, CALLBACK, API...).",
        ),
        _leaf("Name", "The name of a task (the subject of an email contact)."),
        _leaf("Description", "The description of a task."),
        _leaf("LanguageCode", "The language of the contact (for example ko-KR)."),
        _open("References", "Links of the contact: $.References.<key>.Value and $.References.<key>.Type."),
        _open("Tags", "The contact's tags, by tag key."),
        Namespace(
            "Queue",
            frozenset({"Name", "ARN", "OutboundCallerId.Address", "OutboundCallerId.Type"}),
            summary="The contact's current queue: name, ARN and outbound caller id.",
        ),
        # --- segment attributes, views, capabilities ---------------------------------------------
        _open(
            "SegmentAttributes",
            "Segment attributes: system ($.SegmentAttributes['connect:Subtype']) and predefined ones.",
        ),
        Namespace("Views", frozenset({"Action"}), summary="The action the agent or customer took in a view."),
        _open("Views.ViewResultData", "The data a view returned, by key."),
        _open(
            "Capabilities",
            "The video and screen-sharing capabilities of the contact's participants.",
            notes="The page lists a Capabilities section; its individual JSONPaths could not be read here, "
            "so every key below the root is accepted.",
        ),
        # --- agent -------------------------------------------------------------------------------
        Namespace(
            "Agent",
            frozenset({"UserName", "FirstName", "LastName", "ARN"}),
            summary="The agent of the contact (whisper, hold and transfer-to-agent flows only).",
        ),
        # --- queue metrics (Get metrics block) ---------------------------------------------------
        Namespace(
            "Metrics",
            frozenset(
                {
                    "Queue.Name",
                    "Queue.ARN",
                    "Queue.Size",
                    "Queue.OldestContactAge",
                    "Queue.EstimatedWaitTime",
                    *(f"Agents.{state}.Count" for state in _AGENT_STATES),
                }
            ),
            summary="The metrics returned by the last Get metrics block.",
            notes="Queue.EstimatedWaitTime: the Get metrics block page lists queue estimated wait time; its "
            "JSONPath name follows the table's pattern and was not read on the attribute page.",
        ),
        _open(
            "Metrics.Contact",
            "Contact-level metrics of the Get metrics block (position in queue, estimated wait time).",
            notes="The Get metrics block returns contact-level metrics; their JSONPath names could not be "
            "read here, so every key below the root is accepted.",
        ),
        # --- telephony and chat media ------------------------------------------------------------
        Namespace("Media", frozenset({"InitialMessage"}), summary="The initial message of a chat contact."),
        _open("Media.Sip.Headers", "Telephony call metadata (SIP headers such as P-Asserted-Identity)."),
        Namespace(
            "MediaStreams",
            frozenset(
                {
                    f"Customer.Audio.{field}"
                    for field in ("StreamARN", "StartTimestamp", "StopTimestamp", "StartFragmentNumber")
                }
            ),
            summary="Where the customer audio of live media streaming starts and stops.",
        ),
        # --- Amazon Lex --------------------------------------------------------------------------
        Namespace(
            "Lex",
            frozenset(
                {
                    "DialogState",
                    "IntentName",
                    "IntentConfidence",
                    "IntentConfidence.Score",
                    "SentimentResponse.Label",
                    *(
                        f"SentimentResponse.Scores.{score}"
                        for score in ("Positive", "Negative", "Neutral", "Mixed")
                    ),
                }
            ),
            summary="The result of the last Amazon Lex interaction: intent, state, confidence, sentiment.",
        ),
        _open("Lex.Slots", "The slots of the intent Amazon Lex returned, by slot name."),
        _open("Lex.SessionAttributes", "The Lex session attributes, by key."),
        _open("Lex.AlternateIntents", "The alternate intents Amazon Lex returned, by intent name."),
        # --- cases, Lambda, user-defined, flow and module attributes -----------------------------
        _open("Case", "The fields of the case of the last Cases block, by field name."),
        _open("External", "The response of the last AWS Lambda function invocation (replaced by each call)."),
        Namespace(
            "LambdaInvocation",
            frozenset({"InvocationId"}),
            summary="The request id of the last asynchronous Lambda invocation (Load Lambda result).",
        ),
        _open("Attributes", "User-defined contact attributes, by key."),
        _open("FlowAttributes", "Flow attributes (valid within the flow that sets them), by key."),
        _open("Loop", "The current index (or element) of a named Loop block: $.Loop.<loop name>."),
        # --- Customer Profiles, Amazon Q in Connect ----------------------------------------------
        _open(
            "Customer",
            "Customer profile fields of the Customer profiles block ($.Customer.ProfileId, $.Customer.City, "
            "$.Customer.Asset.Status, $.Customer.CalculatedAttributes.x, $.Customer.Attributes.x).",
        ),
        Namespace(
            "Wisdom",
            frozenset({"SessionArn"}),
            summary="The Amazon Q in Connect (Wisdom) session of the contact.",
        ),
    )
)

_SEGMENT: Final = r"[A-Za-z0-9_-]+"
_BRACKET: Final = r"\[(?:'[^'\r\n]*'|[0-9]+)\]"
#: One JSONPath reference: ``$.`` + dotted names (ASCII letters, digits, ``_`` and ``-``), or bracketed
#: keys (``$.SegmentAttributes['connect:Subtype']``, ``$['AwsRegion']``). Text right after a reference
#: (Korean particles, ``</say-as>``, ``:`` in an ARN) is not part of it.
REFERENCE_RE: Final = re.compile(
    rf"\$(?:\.{_SEGMENT}|{_BRACKET})(?:\.{_SEGMENT}|\.?{_BRACKET})*",
    re.ASCII,
)
_PART_RE: Final = re.compile(rf"\.({_SEGMENT})|\.?\[(?:'([^'\r\n]*)'|([0-9]+))\]", re.ASCII)
_ROOTS: Final = {tuple(root.split(".")): namespace for root, namespace in NAMESPACES.items()}


def reference_parts(path: str) -> tuple[str, ...] | None:
    """The keys of one reference (``$.Queue.Name`` → ``("Queue", "Name")``), None if it is not one."""
    if REFERENCE_RE.fullmatch(path) is None:
        return None
    return tuple(
        match.group(1) or match.group(2) or match.group(3) or "" for match in _PART_RE.finditer(path, 1)
    )


def namespace_of(path: str) -> Namespace | None:
    """The namespace of one reference (its longest matching root), None if it has none."""
    parts = reference_parts(path)
    if parts is None:
        return None
    for length in range(len(parts), 0, -1):
        namespace = _ROOTS.get(parts[:length])
        if namespace is not None:
            return namespace
    return None


def classify_reference(path: str) -> str | None:
    """None when ``path`` reads a documented namespace, else a short reason why it does not."""
    parts = reference_parts(path)
    if parts is None:
        return f"{path!r} is not a JSONPath reference"
    namespace = namespace_of(path)
    if namespace is None:
        return f"unknown namespace $.{parts[0]}"
    rest = parts[len(namespace.root.split(".")) :]
    if not rest:
        return None if namespace.leaf else f"$.{namespace.root} needs a key below it"
    if namespace.open:
        return None
    field = ".".join(rest)
    if field in namespace.fixed:
        return None
    return f"unknown $.{namespace.root} field {field}"


def references_in(text: str) -> list[str]:
    """Every JSONPath reference in ``text`` (prompt text, SSML, an ARN template), in order."""
    return [match.group(0) for match in REFERENCE_RE.finditer(text)]


__all__ = [
    "NAMESPACES",
    "REFERENCE_RE",
    "Namespace",
    "classify_reference",
    "namespace_of",
    "reference_parts",
    "references_in",
]
