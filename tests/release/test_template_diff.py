"""What deploying one template over another does, resource by resource (synthetic templates)."""

import json
from typing import Any

from release.template_diff import (
    ADDED,
    MAY_BE_REPLACED,
    REMOVED,
    REPLACED,
    UPDATED,
    cfn_lint_rules,
    diff_templates,
)

ASSET_A = "a" * 64
ASSET_B = "b" * 64


def _template(**resources: dict[str, Any]) -> dict[str, Any]:
    return {"Resources": resources}


def _queue(name: str = "q", **extra: Any) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": name, **extra}}


def _by_id(diff: Any) -> dict[str, Any]:
    return {resource.logical_id: resource for resource in diff.resources}


def test_identical_templates_have_no_diff() -> None:
    template = _template(Queue=_queue())
    assert diff_templates(template, json.loads(json.dumps(template))).empty


def test_added_and_removed_resources_and_what_a_removal_keeps() -> None:
    old = _template(
        Gone={**_queue(), "DeletionPolicy": "Delete"}, Kept={**_queue(), "DeletionPolicy": "Retain"}
    )
    new = _template(Fresh=_queue())
    resources = _by_id(diff_templates(old, new))
    assert (resources["Fresh"].kind, resources["Gone"].kind, resources["Kept"].kind) == (
        ADDED,
        REMOVED,
        REMOVED,
    )
    assert not resources["Gone"].keeps_old
    assert resources["Kept"].keeps_old


def test_changed_logical_id_is_a_removal_and_an_addition() -> None:
    diff = diff_templates(_template(QueueOld=_queue()), _template(QueueNew=_queue()))
    assert [(r.logical_id, r.kind) for r in diff.resources] == [("QueueOld", REMOVED), ("QueueNew", ADDED)]


def test_create_only_property_from_cfn_lint_schema_replaces() -> None:
    old = _template(
        Table={"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "a", "BillingMode": "X"}}
    )
    new = _template(
        Table={"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "b", "BillingMode": "X"}}
    )
    (resource,) = diff_templates(old, new).resources
    assert resource.kind == REPLACED
    assert resource.reasons == ["`TableName` cannot change in place"]
    assert resource.lines == ["`TableName`: `a` → `b`"]


def test_conditionally_create_only_property_may_replace() -> None:
    def table(key: str) -> dict[str, Any]:
        schema = [{"AttributeName": key, "KeyType": "HASH"}]
        return _template(T={"Type": "AWS::DynamoDB::Table", "Properties": {"KeySchema": schema}})

    (resource,) = diff_templates(table("pk"), table("id")).resources
    assert resource.kind == MAY_BE_REPLACED
    assert resource.reasons == ["`KeySchema[0].AttributeName` may not change in place"]


def test_mutable_property_is_an_update() -> None:
    old = _template(Queue=_queue(VisibilityTimeout=30))
    new = _template(Queue=_queue(VisibilityTimeout=60))
    (resource,) = diff_templates(old, new).resources
    assert (resource.kind, resource.lines) == (UPDATED, ["`VisibilityTimeout`: `30` → `60`"])


def test_type_change_replaces() -> None:
    new = _template(Thing={"Type": "AWS::SNS::Topic", "Properties": {}})
    (resource,) = diff_templates(_template(Thing=_queue()), new).resources
    assert resource.kind == REPLACED
    assert resource.reasons == ["its type changes from AWS::SQS::Queue to AWS::SNS::Topic"]


def test_replacement_reaches_resources_whose_create_only_property_refers_to_it() -> None:
    def template(alias: str) -> dict[str, Any]:
        return _template(
            Alias={"Type": "AWS::KMS::Alias", "Properties": {"AliasName": alias, "TargetKeyId": "k"}},
            Association={
                "Type": "AWS::Connect::IntegrationAssociation",
                "Properties": {
                    "InstanceId": "i",
                    "IntegrationType": "LEX_BOT",
                    "IntegrationArn": {"Ref": "Alias"},
                },
            },
            Reader={
                "Type": "AWS::SQS::Queue",
                "Properties": {"Tags": [{"Key": "k", "Value": {"Ref": "Alias"}}]},
            },
        )

    resources = _by_id(diff_templates(template("alias/a"), template("alias/b")))
    assert resources["Alias"].kind == REPLACED
    assert resources["Association"].kind == MAY_BE_REPLACED
    assert resources["Association"].reasons == ["`IntegrationArn` refers to `Alias`, which is replaced"]
    assert resources["Reader"].kind == UPDATED
    assert resources["Reader"].lines == [
        "refers to `Alias`, which is replaced: the reference's value changes"
    ]


def test_asset_hash_only_change_is_code_changed_not_a_property_diff() -> None:
    def function(asset: str) -> dict[str, Any]:
        return _template(
            Fn={
                "Type": "AWS::Lambda::Function",
                "Properties": {"Code": {"S3Bucket": "b", "S3Key": f"{asset}.zip"}, "Handler": "h"},
                "Metadata": {"aws:cdk:path": "stack/Fn/Resource", "aws:asset:path": f"asset.{asset}"},
            }
        )

    (resource,) = diff_templates(function(ASSET_A), function(ASSET_B)).resources
    assert (resource.kind, resource.code_changed, resource.lines, resource.path) == (UPDATED, True, [], "Fn")


def test_resource_attributes_and_outputs_are_reported() -> None:
    old = {"Resources": {"Q": {**_queue(), "DeletionPolicy": "Retain"}}, "Outputs": {"Name": {"Value": "a"}}}
    new = {"Resources": {"Q": {**_queue(), "DeletionPolicy": "Delete"}}, "Outputs": {}}
    diff = diff_templates(old, new)
    assert diff.resources[0].lines == ["`DeletionPolicy`: `Retain` → `Delete`"]
    assert diff.other == ["`Outputs.Name` removed (was `{Value: a}`)"]


def test_policy_documents_are_described_by_statement_not_by_json_leaf() -> None:
    def policy(actions: list[str]) -> dict[str, Any]:
        statement = {"Effect": "Allow", "Action": actions, "Resource": {"Fn::GetAtt": ["Key", "Arn"]}}
        document = {"Statement": [statement], "Version": "2012-10-17"}
        return _template(
            P={"Type": "AWS::IAM::Policy", "Properties": {"PolicyDocument": document, "PolicyName": "p"}}
        )

    (resource,) = diff_templates(policy(["kms:Decrypt"]), policy(["kms:Decrypt", "kms:Encrypt"])).resources
    assert (resource.lines, resource.policy) == ([], ["+ Allow `kms:Encrypt` on `${Key.Arn}`"])


def _flow(*actions: dict[str, Any]) -> dict[str, Any]:
    document = {"Version": "2019-10-30", "StartAction": actions[0]["Identifier"], "Actions": list(actions)}
    text = json.dumps(document)
    # As CDK synthesizes it: the JSON split around a reference to another resource.
    before, after = text.split("LAMBDA_ARN")
    content = {"Fn::Join": ["", [before, {"Fn::GetAtt": ["Fn", "Arn"]}, after]]}
    return {"Type": "AWS::Connect::ContactFlow", "Properties": {"Type": "CONTACT_FLOW", "Content": content}}


def test_contact_flow_content_is_diffed_action_by_action_with_references_left_symbolic() -> None:
    invoke = {
        "Identifier": "lookup",
        "Type": "InvokeLambdaFunction",
        "Parameters": {"LambdaFunctionARN": "LAMBDA_ARN", "InvocationTimeLimitSeconds": "3"},
        "Transitions": {"NextAction": "bye"},
    }
    bye = {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
    slower = {**invoke, "Parameters": {**invoke["Parameters"], "InvocationTimeLimitSeconds": "8"}}
    old, new = _template(F=_flow(invoke, bye)), _template(F=_flow(slower))
    (resource,) = diff_templates(old, new).resources
    assert resource.lines == []
    assert resource.flow[0].startswith("- bye (DisconnectParticipant)")
    assert resource.flow[1:] == [
        "~ lookup",
        '    parameter InvocationTimeLimitSeconds: "3" → "8"',
    ]
    (added,) = diff_templates({}, new).resources
    assert added.kind == ADDED
    assert (
        '+ lookup (InvokeLambdaFunction): LambdaFunctionARN="${Fn.Arn}", InvocationTimeLimitSeconds="8"'
        in (added.flow)
    )


def test_flow_type_change_replaces_the_flow() -> None:
    old_flow = _flow({"Identifier": "x", "Type": "DisconnectParticipant", "Parameters": {"LAMBDA_ARN": ""}})
    new_flow = {**old_flow, "Properties": {**old_flow["Properties"], "Type": "CUSTOMER_QUEUE"}}
    (resource,) = diff_templates(_template(F=old_flow), _template(F=new_flow)).resources
    assert resource.kind == REPLACED


def test_cfn_lint_rules_know_connect_custom_resources_and_not_unknown_types() -> None:
    create_only, _ = cfn_lint_rules("AWS::Connect::ContactFlow", "ap-northeast-2")
    assert "/properties/Type" in create_only
    assert cfn_lint_rules("Custom::FaqContent", "ap-northeast-2") == (("/properties/ServiceToken",), ())
    assert cfn_lint_rules("AWS::Nothing::Here", "ap-northeast-2") == ((), ())
    assert cfn_lint_rules("AWS::Connect::ContactFlow", "unknown-region")[0] == create_only
