"""Testing-language documents the tests share: the documentation's example, written from its page."""

from __future__ import annotations

import copy
from typing import Any

INSTANCE = "arn:aws:connect:ap-northeast-2:111122223333:instance/4f2c8a1e-7b3d-4e5f-9a10-2b3c4d5e6f70"

#: The example of https://docs.aws.amazon.com/connect/latest/APIReference/testing-language-example.html
#: as its text describes it: at the start the hours check is given always-open hours, the welcome
#: prompt is observed and answered with the key 1, the transfer to a queue is observed and ends the test.
_DOCS_EXAMPLE: dict[str, Any] = {
    "Version": "2025-06-21",
    "Metadata": {},
    "Observations": [
        {
            "Identifier": "TriggerHoursCheck",
            "Event": {
                "Identifier": "TestStart",
                "Type": "TestInitiated",
                "Actor": "System",
                "Properties": {},
            },
            "Usage": {"Type": "EXACTLY"},
            "Actions": [
                {
                    "Identifier": "AlwaysOpen",
                    "Type": "OverrideSystemBehavior",
                    "Parameters": {
                        "ActionType": "OverrideSystemBehavior",
                        "Behavior": {
                            "Type": "FlowAction",
                            "Properties": {
                                "ActionType": "CheckHoursOfOperation",
                                "ActionParameters": {
                                    "HoursOfOperationId": f"{INSTANCE}/operating-hours/basic"
                                },
                                "Strategy": {
                                    "Type": "SubstituteResource",
                                    "SubstituteArn": f"{INSTANCE}/operating-hours/always-on",
                                },
                            },
                        },
                    },
                    "Transitions": {"NextAction": ""},
                }
            ],
            "Transitions": {"NextObservations": ["Welcome Message"]},
        },
        {
            "Identifier": "Welcome Message",
            "Event": {
                "Identifier": "Welcome",
                "Type": "MessageReceived",
                "Actor": "System",
                "Properties": {"Text": "Welcome", "MatchingCriteria": "Similarity"},
            },
            "Usage": {"Type": "EXACTLY"},
            "Actions": [
                {
                    "Identifier": "PressOne",
                    "Type": "SendInstruction",
                    "Parameters": {
                        "ActionType": "SendInstruction",
                        "Actor": "Customer",
                        "Instruction": {"Type": "DtmfInput", "Properties": {"Value": "1"}},
                    },
                    "Transitions": {"NextAction": ""},
                }
            ],
            "Transitions": {"NextObservations": ["Queue Placement"]},
        },
        {
            "Identifier": "Queue Placement",
            "Event": {
                "Identifier": "Queued",
                "Type": "FlowActionStarted",
                "Actor": "System",
                "Properties": {"ActionType": "TransferContactToQueue", "ActionParameters": {}},
            },
            "Usage": {"Type": "EXACTLY"},
            "Actions": [
                {
                    "Identifier": "Done",
                    "Type": "TestControl",
                    "Parameters": {"ActionType": "TestControl", "Command": {"Type": "EndTest"}},
                    "Transitions": {"NextAction": ""},
                }
            ],
        },
    ],
}


def docs_example() -> dict[str, Any]:
    """A fresh copy of the documentation's example (tests mutate it)."""
    return copy.deepcopy(_DOCS_EXAMPLE)
