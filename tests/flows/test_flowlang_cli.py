"""``python -m flowlang``: check, import, diff and layout on the command line.

Everything runs in-process through :func:`flowlang.cli.main` (an interpreter start costs about half
a second); one subprocess per command proves the module entry point and that an error is one line
on stderr, never a traceback. The flows are written here, in the style of the Flow-language
documentation and of a console export; only ``contact_flows/`` of this repository is read.
"""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flowlang.checker import check_flow, errors_of
from flowlang.cli import default_flow_type, main, template_specs
from flowlang.layout import unplaced
from flowlang.templates import CONTACT_FLOW, CUSTOMER_QUEUE, FLOW_DIR, placeholder_output_key

REPO_ROOT = Path(__file__).resolve().parents[2]

INSTANCE_ARN = "arn:aws:connect:ap-northeast-2:111122223333:instance/abc"
QUEUE_ARN = f"{INSTANCE_ARN}/queue/q1"
OTHER_QUEUE_ARN = f"{INSTANCE_ARN}/queue/other-queue"
HOURS_ARN = f"{INSTANCE_ARN}/operating-hours/h1"
FUNCTION_ARN = "arn:aws:lambda:ap-northeast-2:111122223333:function:aicc-dev-contact-flow"

Document = dict[str, Any]


# --- helpers -------------------------------------------------------------------------------------


def run_cli(*argv: str) -> tuple[int, str]:
    """(exit status, stdout) of one in-process run."""
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def one_stderr_line(captured: pytest.CaptureFixture[str]) -> str:
    """The one line the command wrote on stderr (and that there is exactly one)."""
    err = captured.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def message(identifier: str, text: str, next_action: str, error_target: str | None = None) -> Document:
    return {
        "Identifier": identifier,
        "Type": "MessageParticipant",
        "Parameters": {"Text": text},
        "Transitions": {
            "NextAction": next_action,
            "Errors": [{"ErrorType": "NoMatchingError", "NextAction": error_target or next_action}],
        },
    }


def disconnect(identifier: str = "disconnect") -> Document:
    return {"Identifier": identifier, "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}


def simple_flow() -> Document:
    """Greeting → goodbye → disconnect, no layout."""
    return {
        "Version": "2019-10-30",
        "StartAction": "greeting",
        "Actions": [
            message("greeting", "안녕하세요. 고객센터입니다.", "goodbye"),
            message("goodbye", "이용해 주셔서 감사합니다.", "disconnect"),
            disconnect(),
        ],
    }


def console_export(queue_arn: str = QUEUE_ARN) -> Document:
    """A flow as the Connect console exports it: environment ARNs in parameters and metadata."""
    return {
        "Version": "2019-10-30",
        "StartAction": "welcome",
        "Metadata": {
            "entryPointPosition": {"x": 14.4, "y": 30.4},
            "ActionMetadata": {
                "welcome": {"position": {"x": 171.2, "y": 28}},
                "set-queue": {
                    "position": {"x": 420.8, "y": 31.2},
                    "parameters": {"QueueId": {"displayName": "general"}},
                    "queue": {"id": queue_arn, "text": "general"},
                },
                "transfer": {"position": {"x": 672, "y": 24.8}},
                "sorry": {"position": {"x": 925.6, "y": 215.2}},
                "disconnect": {"position": {"x": 1180, "y": 44}},
            },
            "name": "imported-inbound",
            "description": "",
            "type": "contactFlow",
            "status": "published",
            "hash": {},
        },
        "Actions": [
            message("welcome", "안녕하세요! 상담원에게 연결해 드리겠습니다.", "set-queue", "disconnect"),
            {
                "Identifier": "set-queue",
                "Type": "UpdateContactTargetQueue",
                "Parameters": {"QueueId": queue_arn},
                "Transitions": {
                    "NextAction": "transfer",
                    "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "sorry"}],
                },
            },
            {
                "Identifier": "transfer",
                "Type": "TransferContactToQueue",
                "Parameters": {},
                "Transitions": {
                    "NextAction": "sorry",
                    "Errors": [
                        {"ErrorType": "QueueAtCapacity", "NextAction": "sorry"},
                        {"ErrorType": "NoMatchingError", "NextAction": "sorry"},
                    ],
                },
            },
            message("sorry", "죄송합니다. 지금은 상담원 연결이 어렵습니다.", "disconnect"),
            disconnect(),
        ],
    }


def stack_outputs() -> dict[str, dict[str, str]]:
    """``cdk deploy --outputs-file`` of an environment: Placeholder* outputs among others."""
    return {
        "aicc-dev-bot": {
            placeholder_output_key("QueueArn_general"): QUEUE_ARN,
            placeholder_output_key("ContactFlowFunctionArn"): FUNCTION_ARN,
            "BotAliasId": "TSTALIASID",
        },
        "aicc-dev-connect": {
            placeholder_output_key("HoursOfOperationArn"): HOURS_ARN,
            "InstanceArn": INSTANCE_ARN,
        },
    }


# --- check ---------------------------------------------------------------------------------------


def test_our_flows_check_clean_with_their_types() -> None:
    for name, flow_type in (("inbound.json", CONTACT_FLOW), ("customer_queue.json", CUSTOMER_QUEUE)):
        status, out = run_cli("check", "--type", flow_type, "--json", str(FLOW_DIR / name))
        assert status == 0, out
        record = json.loads(out)
        assert record == {
            "file": str(FLOW_DIR / name),
            "flow_type": flow_type,
            "errors": [],
            "warnings": [],
        }


def test_every_template_checks_clean_without_type_as_its_specs_flow_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO_ROOT)  # the paths as typed at the repository root
    files = sorted(str(path.relative_to(REPO_ROOT)) for path in FLOW_DIR.glob("*.json"))
    specs = {str(spec.path.relative_to(REPO_ROOT)): spec for spec in template_specs()}
    assert "contact_flows/customer_queue.json" in files and set(files) <= set(specs), files
    status, out = run_cli("check", "--json", *files)
    assert status == 0, out
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["file"], r["flow_type"], r["errors"]) for r in records] == [
        (path, specs[path].flow_type, []) for path in files
    ]
    assert {r["flow_type"] for r in records} > {CONTACT_FLOW, CUSTOMER_QUEUE}


def test_an_explicit_type_wins_over_the_templates_own(tmp_path: Path) -> None:
    status, out = run_cli("check", "--type", CONTACT_FLOW, "--json", str(FLOW_DIR / "customer_queue.json"))
    assert json.loads(out)["flow_type"] == CONTACT_FLOW
    assert status == 1 and json.loads(out)["errors"], out
    # A copy of a template elsewhere is not the template: today's default.
    copied = write(
        tmp_path / "customer_queue.json", json.loads((FLOW_DIR / "customer_queue.json").read_text())
    )
    assert default_flow_type(str(copied)) == CONTACT_FLOW


def test_check_default_type_and_readable_summary(tmp_path: Path) -> None:
    path = write(tmp_path / "simple.json", simple_flow())
    status, out = run_cli("check", str(path))
    assert status == 0
    assert out == f"{path}: 0 error(s), 0 warning(s)\n"


def test_check_type_is_case_insensitive() -> None:
    status, out = run_cli(
        "check", "--type", "customer_queue", "--json", str(FLOW_DIR / "customer_queue.json")
    )
    assert status == 0
    assert json.loads(out)["flow_type"] == CUSTOMER_QUEUE


def test_check_json_prints_one_object_per_file_and_fails_when_one_file_has_errors(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", simple_flow())
    broken = simple_flow()
    broken["Actions"][0]["Transitions"]["NextAction"] = "nowhere"
    bad = write(tmp_path / "bad.json", broken)
    status, out = run_cli("check", "--json", str(good), str(bad))
    assert status == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["file"] for record in records] == [str(good), str(bad)]
    for record in records:
        assert set(record) == {"file", "flow_type", "errors", "warnings"}
        assert record["flow_type"] == CONTACT_FLOW
    assert records[0]["errors"] == []
    assert {"action": "greeting", "rule": "dangling-transition"} in [
        {"action": finding["action"], "rule": finding["rule"]} for finding in records[1]["errors"]
    ]
    for finding in records[1]["errors"] + records[1]["warnings"]:
        assert set(finding) == {"action", "rule", "message"}
        assert finding["message"]


def test_check_readable_output_names_file_severity_action_and_rule(tmp_path: Path) -> None:
    broken = simple_flow()
    broken["Actions"][0]["Transitions"]["NextAction"] = "nowhere"
    path = write(tmp_path / "bad.json", broken)
    status, out = run_cli("check", str(path))
    assert status == 1
    assert f"{path}: error: greeting: " in out
    assert "[dangling-transition]" in out
    assert out.splitlines()[-1].startswith(f"{path}: ")
    assert "error(s)" in out.splitlines()[-1]


def test_warnings_alone_do_not_fail_check(tmp_path: Path) -> None:
    flow = simple_flow()
    flow["Actions"].append(message("orphan", "아무도 도달하지 않는 안내입니다.", "disconnect"))
    path = write(tmp_path / "warned.json", flow)
    status, out = run_cli("check", "--json", str(path))
    assert status == 0
    record = json.loads(out)
    assert record["errors"] == []
    assert {"action": "orphan", "rule": "unreachable", "message": "not reachable from StartAction"} in record[
        "warnings"
    ]


def test_templates_with_both_placeholder_styles_check_clean(tmp_path: Path) -> None:
    flow = {
        "Version": "2019-10-30",
        "StartAction": "lookup",
        "Actions": [
            {
                "Identifier": "lookup",
                "Type": "InvokeLambdaFunction",
                "Parameters": {
                    "LambdaFunctionARN": "%ContactFlowFunctionArn%",
                    "InvocationTimeLimitSeconds": "8",
                    "InvocationType": "SYNCHRONOUS",
                    "ResponseValidation": {"ResponseType": "STRING_MAP"},
                },
                "Transitions": {
                    "NextAction": "hours",
                    "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "hours"}],
                },
            },
            {
                "Identifier": "hours",
                "Type": "CheckHoursOfOperation",
                "Parameters": {"HoursOfOperationId": "${HoursOfOperationArn}"},
                "Transitions": {
                    "NextAction": "closed",
                    "Conditions": [
                        {
                            "NextAction": "set-queue",
                            "Condition": {"Operator": "Equals", "Operands": ["True"]},
                        },
                        {"NextAction": "closed", "Condition": {"Operator": "Equals", "Operands": ["False"]}},
                    ],
                    "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "closed"}],
                },
            },
            {
                "Identifier": "set-queue",
                "Type": "UpdateContactTargetQueue",
                "Parameters": {"QueueId": "${Token[TOKEN.123]}"},
                "Transitions": {
                    "NextAction": "transfer",
                    "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "closed"}],
                },
            },
            {
                "Identifier": "transfer",
                "Type": "TransferContactToQueue",
                "Parameters": {},
                "Transitions": {
                    "NextAction": "closed",
                    "Errors": [
                        {"ErrorType": "QueueAtCapacity", "NextAction": "closed"},
                        {"ErrorType": "NoMatchingError", "NextAction": "closed"},
                    ],
                },
            },
            message("closed", "지금은 상담 가능 시간이 아닙니다.", "disconnect"),
            disconnect(),
        ],
    }
    path = write(tmp_path / "template.json", flow)
    status, out = run_cli("check", "--json", str(path))
    assert status == 0, out
    assert json.loads(out)["errors"] == []


def flow_module() -> Document:
    return {
        "Version": "2019-10-30",
        "StartAction": "module-greeting",
        "Actions": [
            message("module-greeting", "모듈에서 인사드립니다.", "module-return"),
            {
                "Identifier": "module-return",
                "Type": "EndFlowModuleExecution",
                "Parameters": {},
                "Transitions": {},
            },
        ],
    }


def test_check_type_flow_module(tmp_path: Path) -> None:
    path = write(tmp_path / "module.json", flow_module())
    status, out = run_cli("check", "--type", "FLOW_MODULE", "--json", str(path))
    assert status == 0, out
    assert json.loads(out) == {"file": str(path), "flow_type": "FLOW_MODULE", "errors": [], "warnings": []}
    # The same document is not a contact flow: EndFlowModuleExecution belongs to modules.
    status, out = run_cli("check", "--json", str(path))
    assert status == 1
    assert "flow-type-unsupported" in {finding["rule"] for finding in json.loads(out)["errors"]}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check", "--type", "NOT_A_TYPE", "FILE"], "unknown flow type 'NOT_A_TYPE'"),
        (["check"], "required"),
        (["check", "--json"], "required"),
        (["check", "MISSING"], "no such file"),
        (["check", "DIRECTORY"], "is a directory"),
        (["check", "INVALID"], "is not JSON"),
        (["check", "FILE", "MISSING"], "no such file"),
        ([], "a command is required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_check_bad_usage_exits_2_with_one_line(
    argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = {
        "FILE": str(write(tmp_path / "ok.json", simple_flow())),
        "MISSING": str(tmp_path / "missing.json"),
        "DIRECTORY": str(tmp_path),
        "INVALID": str(tmp_path / "invalid.json"),
    }
    (tmp_path / "invalid.json").write_text('{"Version": ', encoding="utf-8")
    status, out = run_cli(*(paths.get(arg, arg) for arg in argv))
    assert status == 2
    assert out == ""  # nothing printed before the error, not even for a readable first file
    line = one_stderr_line(capsys)
    assert line.startswith("python -m flowlang: error: ")
    assert expected in line


def test_check_of_a_json_array_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path / "array.json", [simple_flow()])
    status, out = run_cli("check", "--json", str(path))
    assert status == 1
    assert [finding["rule"] for finding in json.loads(out)["errors"]] == ["document"]


# --- import --------------------------------------------------------------------------------------


def import_files(tmp_path: Path, export: Any = None, outputs: Any = None) -> tuple[Path, Path]:
    exported = write(tmp_path / "exported.json", console_export() if export is None else export)
    outputs_file = write(tmp_path / "cdk-outputs.json", stack_outputs() if outputs is None else outputs)
    return exported, outputs_file


def run_import(tmp_path: Path, exported: Path, outputs: Path, name: str, *extra: str) -> tuple[int, str]:
    return run_cli(
        "import",
        str(exported),
        "--outputs",
        str(outputs),
        "--name",
        name,
        "--directory",
        str(tmp_path),
        *extra,
    )


def test_import_replaces_the_environment_arns_with_placeholders(tmp_path: Path) -> None:
    exported, outputs = import_files(tmp_path)
    status, out = run_import(tmp_path, exported, outputs, "imported_inbound")
    assert status == 0, out
    target = tmp_path / "imported_inbound.json"
    assert out.startswith(f"wrote {target} (5 actions)")
    text = target.read_text(encoding="utf-8")
    assert text.endswith("\n")
    assert "arn:aws" not in text
    template = json.loads(text)
    actions = {action["Identifier"]: action for action in template["Actions"]}
    assert actions["set-queue"]["Parameters"]["QueueId"] == "%QueueArn_general%"
    metadata = template["Metadata"]["ActionMetadata"]
    assert metadata["set-queue"]["queue"] == {"id": "%QueueArn_general%", "text": "general"}
    # The designer's layout survives the import untouched.
    original = console_export()["Metadata"]
    assert template["Metadata"]["entryPointPosition"] == original["entryPointPosition"]
    for identifier, entry in original["ActionMetadata"].items():
        assert metadata[identifier]["position"] == entry["position"]
    # Everything else is the export as it was.
    expected = json.loads(json.dumps(console_export()).replace(QUEUE_ARN, "%QueueArn_general%"))
    assert template == expected
    assert errors_of(check_flow(template, flow_name="imported", flow_type=CONTACT_FLOW)) == []


def test_imported_template_round_trips_through_check(tmp_path: Path) -> None:
    exported, outputs = import_files(tmp_path)
    assert run_import(tmp_path, exported, outputs, "round_trip")[0] == 0
    status, out = run_cli("check", "--json", str(tmp_path / "round_trip.json"))
    assert status == 0, out
    assert json.loads(out)["errors"] == []


def test_import_maps_arns_from_every_stack_and_in_embedded_text(tmp_path: Path) -> None:
    export = console_export()
    export["Actions"].insert(
        0,
        {
            "Identifier": "hours",
            "Type": "CheckHoursOfOperation",
            "Parameters": {"HoursOfOperationId": HOURS_ARN},
            "Transitions": {
                "NextAction": "welcome",
                "Conditions": [
                    {"NextAction": "welcome", "Condition": {"Operator": "Equals", "Operands": ["True"]}},
                    {"NextAction": "sorry", "Condition": {"Operator": "Equals", "Operands": ["False"]}},
                ],
                "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "welcome"}],
            },
        },
    )
    export["StartAction"] = "hours"
    export["Metadata"]["ActionMetadata"]["hours"] = {
        "position": {"x": 10, "y": 200},
        "hours": {"id": HOURS_ARN, "text": "평일 09:00-18:00"},
    }
    export["Metadata"]["description"] = f"queue {QUEUE_ARN}, hours {HOURS_ARN}"
    exported, outputs = import_files(tmp_path, export)
    status, _ = run_import(tmp_path, exported, outputs, "with_hours")
    assert status == 0
    template = json.loads((tmp_path / "with_hours.json").read_text(encoding="utf-8"))
    assert template["Actions"][0]["Parameters"]["HoursOfOperationId"] == "%HoursOfOperationArn%"
    assert template["Metadata"]["ActionMetadata"]["hours"]["hours"]["id"] == "%HoursOfOperationArn%"
    assert template["Metadata"]["description"] == "queue %QueueArn_general%, hours %HoursOfOperationArn%"


def test_import_type_option(tmp_path: Path) -> None:
    module = flow_module()
    module["Actions"].insert(
        1,
        {
            "Identifier": "module-queue",
            "Type": "UpdateContactTargetQueue",
            "Parameters": {"QueueId": QUEUE_ARN},
            "Transitions": {
                "NextAction": "module-return",
                "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "module-return"}],
            },
        },
    )
    module["Actions"][0]["Transitions"] = {
        "NextAction": "module-queue",
        "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "module-return"}],
    }
    exported, outputs = import_files(tmp_path, module)
    # As a contact flow the module does not pass the checker: nothing is written.
    status, _ = run_import(tmp_path, exported, outputs, "as_flow")
    assert status == 1
    assert not (tmp_path / "as_flow.json").exists()
    status, _ = run_import(tmp_path, exported, outputs, "as_module", "--type", "FLOW_MODULE")
    assert status == 0
    template = json.loads((tmp_path / "as_module.json").read_text(encoding="utf-8"))
    assert template["Actions"][1]["Parameters"]["QueueId"] == "%QueueArn_general%"


def test_import_refuses_an_arn_missing_from_the_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported, outputs = import_files(tmp_path, console_export(OTHER_QUEUE_ARN))
    status, out = run_import(tmp_path, exported, outputs, "unmapped")
    assert status == 1
    assert out == ""
    line = one_stderr_line(capsys)
    assert OTHER_QUEUE_ARN in line
    assert "not in the stack outputs" in line
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cdk-outputs.json", "exported.json"]


def test_import_refuses_a_template_the_checker_rejects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = console_export()
    export["Actions"][0]["Transitions"]["NextAction"] = "nowhere"
    exported, outputs = import_files(tmp_path, export)
    status, _ = run_import(tmp_path, exported, outputs, "broken")
    assert status == 1
    assert "dangling-transition" in one_stderr_line(capsys)
    assert not (tmp_path / "broken.json").exists()


@pytest.mark.parametrize(
    "outputs",
    [
        {"aicc-dev-bot": {"QueueArnGeneral": QUEUE_ARN, "BotAliasId": "TSTALIASID"}},
        {"aicc-dev-bot": {placeholder_output_key("QueueArn_general"): ""}},
        {},
        [QUEUE_ARN],
        {"aicc-dev-bot": QUEUE_ARN},
    ],
    ids=["no-placeholder-keys", "empty-value", "empty", "array", "stack-not-an-object"],
)
def test_import_needs_placeholder_outputs(
    outputs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported, outputs_file = import_files(tmp_path, outputs=outputs)
    status, _ = run_import(tmp_path, exported, outputs_file, "no_outputs")
    assert status == 1
    assert one_stderr_line(capsys).startswith("python -m flowlang import: ")
    assert not (tmp_path / "no_outputs.json").exists()


def test_import_of_an_export_that_is_not_an_object_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported, outputs = import_files(tmp_path, [console_export()])
    assert run_import(tmp_path, exported, outputs, "array")[0] == 1
    assert "JSON object" in one_stderr_line(capsys)


@pytest.mark.parametrize("name", ["../x", "Upper", "with-dash", "1starts_with_digit", "", "a" * 65, "x.json"])
def test_import_bad_name_exits_2_and_writes_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported, outputs = import_files(tmp_path)
    status, _ = run_import(tmp_path, exported, outputs, name)
    assert status == 2
    assert "--name" in one_stderr_line(capsys)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cdk-outputs.json", "exported.json"]
    assert not (tmp_path.parent / "x.json").exists()


def test_import_missing_files_and_options_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exported, outputs = import_files(tmp_path)
    assert run_import(tmp_path, tmp_path / "nope.json", outputs, "x")[0] == 2
    assert "no such file" in one_stderr_line(capsys)
    assert run_import(tmp_path, exported, tmp_path / "nope.json", "x")[0] == 2
    assert "no such file" in one_stderr_line(capsys)
    assert run_cli("import", str(exported), "--name", "x")[0] == 2
    assert "--outputs" in one_stderr_line(capsys)
    assert run_cli("import", str(exported), "--outputs", str(outputs))[0] == 2
    assert "--name" in one_stderr_line(capsys)


def test_placeholder_output_key_spells_each_placeholder_as_one_output_id() -> None:
    assert placeholder_output_key("QueueArn_general") == "PlaceholderQueueArnGeneral"
    assert placeholder_output_key("QueueArn_tech_support") == "PlaceholderQueueArnTechSupport"
    assert placeholder_output_key("ContactFlowFunctionArn") == "PlaceholderContactFlowFunctionArn"


# --- diff ----------------------------------------------------------------------------------------


def diff_files(tmp_path: Path, old: Any, new: Any) -> tuple[int, str]:
    return run_cli("diff", str(write(tmp_path / "old.json", old)), str(write(tmp_path / "new.json", new)))


def test_diff_of_identical_documents(tmp_path: Path) -> None:
    assert diff_files(tmp_path, console_export(), console_export()) == (0, "no changes\n")


def test_diff_names_added_removed_and_changed_actions(tmp_path: Path) -> None:
    old = console_export()
    new = copy.deepcopy(old)
    new["Actions"][0]["Parameters"]["Text"] = "반갑습니다! 잠시만 기다려 주세요."
    new["Actions"][2]["Transitions"]["Errors"][1]["NextAction"] = "welcome"
    new["Actions"] = [action for action in new["Actions"] if action["Identifier"] != "sorry"]
    new["Actions"].insert(3, message("busy", "모든 상담원이 통화 중입니다.", "disconnect"))
    for action in new["Actions"]:
        for branch in action["Transitions"].get("Errors", []):
            branch["NextAction"] = "busy" if branch["NextAction"] == "sorry" else branch["NextAction"]
        if action["Transitions"].get("NextAction") == "sorry":
            action["Transitions"]["NextAction"] = "busy"
    status, out = diff_files(tmp_path, old, new)
    assert status == 1
    lines = out.splitlines()
    assert '+ busy (MessageParticipant): Text="모든 상담원이 통화 중입니다."' in lines
    assert any(line.startswith("- sorry (MessageParticipant)") for line in lines)
    assert "~ welcome" in lines
    before, after = "안녕하세요! 상담원에게 연결해 드리겠습니다.", "반갑습니다! 잠시만 기다려 주세요."
    assert f'    parameter Text: "{before}" → "{after}"' in lines
    assert "~ transfer" in lines
    assert "    branch Error NoMatchingError: sorry → welcome" in lines
    assert "    branch NextAction: sorry → busy" in lines
    assert "    branch Error QueueAtCapacity: sorry → busy" in lines


def test_diff_reports_a_start_action_change(tmp_path: Path) -> None:
    old = simple_flow()
    new = copy.deepcopy(old)
    new["StartAction"] = "goodbye"
    status, out = diff_files(tmp_path, old, new)
    assert status == 1
    assert out == "~ StartAction: greeting → goodbye\n"


def test_diff_summarises_a_layout_only_change_in_one_line(tmp_path: Path) -> None:
    old = console_export()
    new = copy.deepcopy(old)
    for entry in new["Metadata"]["ActionMetadata"].values():
        entry["position"]["x"] += 40
    status, out = diff_files(tmp_path, old, new)
    assert status == 1
    assert out == "~ layout (Metadata) changed for 5 action(s)\n"


def test_diff_reports_type_and_added_parameters(tmp_path: Path) -> None:
    old = simple_flow()
    new = copy.deepcopy(old)
    new["Actions"][0]["Parameters"]["Text"] = "안녕하세요."
    new["Actions"][1]["Parameters"] = {"SSML": "<speak>감사합니다.</speak>"}
    status, out = diff_files(tmp_path, old, new)
    assert status == 1
    assert '    parameter SSML added: "<speak>감사합니다.</speak>"' in out.splitlines()
    assert '    parameter Text removed (was "이용해 주셔서 감사합니다.")' in out.splitlines()


@pytest.mark.parametrize("broken", ["old", "new"])
@pytest.mark.parametrize("problem", ["missing", "array", "invalid"])
def test_diff_bad_usage_exits_2(
    broken: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path / "good.json", simple_flow())
    bad = tmp_path / "bad.json"
    if problem == "array":
        write(bad, [simple_flow()])
    elif problem == "invalid":
        bad.write_text("[{", encoding="utf-8")
    argv = ["diff", str(bad), str(good)] if broken == "old" else ["diff", str(good), str(bad)]
    status, out = run_cli(*argv)
    assert status == 2
    assert out == ""
    line = one_stderr_line(capsys)
    assert str(bad) in line


# --- layout --------------------------------------------------------------------------------------


def test_layout_places_every_action_and_is_idempotent(tmp_path: Path) -> None:
    path = write(tmp_path / "flow.json", simple_flow())
    status, out = run_cli("layout", str(path))
    assert status == 0
    assert out == f"{path}: placed 3 action(s)\n"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert unplaced(document) == []
    positions = document["Metadata"]["ActionMetadata"]
    assert set(positions) == {"greeting", "goodbye", "disconnect"}
    points = [(entry["position"]["x"], entry["position"]["y"]) for entry in positions.values()]
    assert len(set(points)) == 3  # no two blocks on top of each other
    assert "entryPointPosition" in document["Metadata"]
    # The actions themselves are untouched.
    assert document["Actions"] == simple_flow()["Actions"]
    first = path.read_text(encoding="utf-8")
    status, out = run_cli("layout", str(path))
    assert status == 0
    assert out == f"{path}: placed 0 action(s)\n"
    assert path.read_text(encoding="utf-8") == first


def test_layout_keeps_existing_positions(tmp_path: Path) -> None:
    export = console_export()
    export["Actions"].insert(3, message("extra", "추가된 안내입니다.", "disconnect"))
    export["Actions"][2]["Transitions"]["NextAction"] = "extra"
    path = write(tmp_path / "flow.json", export)
    status, out = run_cli("layout", str(path))
    assert status == 0
    assert out == f"{path}: placed 1 action(s)\n"
    document = json.loads(path.read_text(encoding="utf-8"))
    metadata = document["Metadata"]
    assert metadata["entryPointPosition"] == export["Metadata"]["entryPointPosition"]
    for identifier, entry in export["Metadata"]["ActionMetadata"].items():
        assert metadata["ActionMetadata"][identifier] == entry  # positions and console data kept
    assert set(metadata["ActionMetadata"]["extra"]["position"]) == {"x", "y"}
    assert unplaced(document) == []
    assert errors_of(check_flow(document, flow_name="flow.json")) == []


def test_layout_never_places_a_new_block_on_a_kept_one(tmp_path: Path) -> None:
    # Laid out once, then a block is inserted before the goodbye: every later block is one column
    # further from the start, so the new block's computed cell is the goodbye's kept one.
    path = write(tmp_path / "flow.json", simple_flow())
    assert run_cli("layout", str(path))[0] == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    document["Actions"].insert(1, message("extra", "추가된 안내입니다.", "goodbye"))
    document["Actions"][0]["Transitions"] = message("greeting", "", "extra")["Transitions"]
    write(path, document)
    status, out = run_cli("layout", str(path))
    assert (status, out) == (0, f"{path}: placed 1 action(s)\n")
    positions = json.loads(path.read_text(encoding="utf-8"))["Metadata"]["ActionMetadata"]
    points = [(entry["position"]["x"], entry["position"]["y"]) for entry in positions.values()]
    assert len(set(points)) == len(points) == 4
    assert positions["goodbye"] == document["Metadata"]["ActionMetadata"]["goodbye"]  # kept


def test_layout_of_several_files(tmp_path: Path) -> None:
    first = write(tmp_path / "a.json", simple_flow())
    second = write(tmp_path / "b.json", console_export())
    status, out = run_cli("layout", str(first), str(second))
    assert status == 0
    assert out.splitlines() == [f"{first}: placed 3 action(s)", f"{second}: placed 0 action(s)"]


def test_layout_bad_usage_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path / "good.json", simple_flow())
    before = good.read_text(encoding="utf-8")
    assert run_cli("layout", str(good), str(tmp_path / "missing.json"))[0] == 2
    assert "no such file" in one_stderr_line(capsys)
    assert good.read_text(encoding="utf-8") == before  # every file is read before any is written
    array = write(tmp_path / "array.json", [simple_flow()])
    assert run_cli("layout", str(array))[0] == 2
    assert "not a flow document" in one_stderr_line(capsys)
    assert json.loads(array.read_text(encoding="utf-8")) == [simple_flow()]


# --- the module entry point ----------------------------------------------------------------------


def run_module(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "flowlang", *argv],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def assert_one_line_error(completed: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    return lines[0]


def test_module_check_reads_every_file_before_printing(tmp_path: Path) -> None:
    completed = run_module("check", "--json", "contact_flows/inbound.json", str(tmp_path / "missing.json"))
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert (
        assert_one_line_error(completed)
        == f"python -m flowlang: error: no such file: {tmp_path / 'missing.json'}"
    )


def test_module_import_of_an_unmapped_arn(tmp_path: Path) -> None:
    exported, outputs = import_files(tmp_path, console_export(OTHER_QUEUE_ARN))
    completed = run_module(
        "import", str(exported), "--outputs", str(outputs), "--name", "unmapped", "--directory", str(tmp_path)
    )
    assert completed.returncode == 1
    assert OTHER_QUEUE_ARN in assert_one_line_error(completed)
    assert not (tmp_path / "unmapped.json").exists()


def test_module_diff_prints_the_changes(tmp_path: Path) -> None:
    old = write(tmp_path / "old.json", simple_flow())
    changed = simple_flow()
    changed["Actions"][1]["Parameters"]["Text"] = "또 연락 주세요."
    new = write(tmp_path / "new.json", changed)
    completed = run_module("diff", str(old), str(new))
    assert completed.returncode == 1
    assert completed.stderr == ""
    assert completed.stdout.splitlines() == [
        "~ goodbye",
        '    parameter Text: "이용해 주셔서 감사합니다." → "또 연락 주세요."',
    ]


def test_module_layout_of_a_json_array(tmp_path: Path) -> None:
    array = write(tmp_path / "array.json", [])
    completed = run_module("layout", str(array))
    assert completed.returncode == 2
    assert "not a flow document" in assert_one_line_error(completed)


# --- bugs found once, pinned so they stay fixed ------------------------------------------------------


def test_import_does_not_rewrite_an_arn_that_only_starts_with_a_mapped_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    longer = QUEUE_ARN + "0"  # ".../queue/q10" against the mapped ".../queue/q1"
    exported, outputs = import_files(tmp_path, console_export(longer))
    status, _out = run_import(tmp_path, exported, outputs, "prefix")
    assert status == 1
    assert longer in one_stderr_line(capsys)
    assert not (tmp_path / "prefix.json").exists()


def test_layout_mends_null_metadata_and_half_positions_and_counts_what_it_placed(tmp_path: Path) -> None:
    document = simple_flow()
    document["Metadata"] = None
    path = write(tmp_path / "null.json", document)
    assert run_cli("layout", str(path)) == (0, f"{path}: placed 3 action(s)\n")
    half = json.loads(path.read_text(encoding="utf-8"))
    half["Metadata"]["ActionMetadata"]["greeting"]["position"] = {"x": 5}
    write(path, half)
    assert run_cli("layout", str(path)) == (0, f"{path}: placed 1 action(s)\n")
    assert unplaced(json.loads(path.read_text(encoding="utf-8"))) == []
    assert run_cli("layout", str(path)) == (0, f"{path}: placed 0 action(s)\n")


def test_layout_skips_an_action_without_identifier_instead_of_crashing(tmp_path: Path) -> None:
    document = simple_flow()
    document["Actions"].append({"Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}})
    path = write(tmp_path / "no-id.json", document)
    status, _out = run_cli("layout", str(path))
    assert status == 0
    assert set(json.loads(path.read_text(encoding="utf-8"))["Metadata"]["ActionMetadata"]) == {
        "greeting",
        "goodbye",
        "disconnect",
    }


def test_layout_writes_nothing_when_a_later_file_is_not_a_flow(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", simple_flow())
    before = good.read_text(encoding="utf-8")
    array = write(tmp_path / "arr.json", [])
    assert run_cli("layout", str(good), str(array))[0] == 2
    assert good.read_text(encoding="utf-8") == before


def test_diff_of_parameters_becoming_empty_names_only_the_removed_parameter(tmp_path: Path) -> None:
    old = simple_flow()
    new = copy.deepcopy(old)
    new["Actions"][0]["Parameters"] = {}
    status, out = diff_files(tmp_path, old, new)
    assert status == 1
    changes = [line.strip() for line in out.splitlines() if line.startswith("    ")]
    was = json.dumps(old["Actions"][0]["Parameters"]["Text"], ensure_ascii=False)
    assert changes == [f"parameter Text removed (was {was})"]
