"""IAM and security-group changes, atom by atom, grouped back into readable lines."""

from typing import Any

from release.policy_diff import policy_changes


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"PolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)}}


def test_one_added_action_in_a_merged_statement_is_the_only_change() -> None:
    table = {"Fn::GetAtt": ["Table", "Arn"]}
    old = _policy({"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": table})
    new = _policy({"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": table})
    assert policy_changes(("AWS::IAM::Policy", old), ("AWS::IAM::Policy", new)) == [
        "+ Allow `dynamodb:PutItem` on `${Table.Arn}`"
    ]


def test_removed_statement_and_wildcard_action_are_called_out() -> None:
    old = _policy({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    new = _policy({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"})
    lines = policy_changes(("AWS::IAM::Policy", old), ("AWS::IAM::Policy", new))
    assert lines == ["+ Allow `s3:*` on `arn:aws:s3:::b/*` ⚠ wildcard", "- Allow `kms:Decrypt` on `*`"]


def test_role_trust_and_managed_policies_of_a_new_role() -> None:
    role = {
        "AssumeRolePolicyDocument": {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ]
        },
        "ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    }
    assert policy_changes(None, ("AWS::IAM::Role", role)) == [
        "+ managed policy `arn:aws:iam::aws:policy/ReadOnlyAccess`",
        "+ trust: Allow `sts:AssumeRole` to `Service:lambda.amazonaws.com`",
    ]


def test_key_policy_principal_change() -> None:
    def key(principal: str) -> dict[str, Any]:
        statement = {
            "Effect": "Allow",
            "Principal": {"Service": principal},
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
        return {"KeyPolicy": {"Statement": [statement]}}

    lines = policy_changes(
        ("AWS::KMS::Key", key("logs.amazonaws.com")), ("AWS::KMS::Key", key("sns.amazonaws.com"))
    )
    assert lines == [
        "+ Allow `kms:Decrypt` on `*` to `Service:sns.amazonaws.com`",
        "- Allow `kms:Decrypt` on `*` to `Service:logs.amazonaws.com`",
    ]


def test_lambda_permission_names_principal_and_source() -> None:
    permission = {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]},
        "Principal": "connect.amazonaws.com",
        "SourceArn": {"Ref": "Instance"},
    }
    assert policy_changes(None, ("AWS::Lambda::Permission", permission)) == [
        "+ Allow `lambda:InvokeFunction` on `${Fn.Arn}` to `connect.amazonaws.com`"
        " when `{SourceArn: ${Instance}}`"
    ]


def test_security_group_ingress_rule_opened() -> None:
    rule = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
    old: dict[str, Any] = {"SecurityGroupIngress": []}
    new = {"SecurityGroupIngress": [rule]}
    assert policy_changes(("AWS::EC2::SecurityGroup", old), ("AWS::EC2::SecurityGroup", new)) == [
        "+ ingress `tcp 443-443` from `0.0.0.0/0`"
    ]


def test_policy_attachment_and_deny_statements_are_not_flagged_as_wildcards() -> None:
    deny = {"Effect": "Deny", "Action": "sqs:*", "Resource": "*", "Principal": {"AWS": "*"}}
    new = {**_policy(deny), "Roles": [{"Ref": "Role"}]}
    assert policy_changes(None, ("AWS::IAM::Policy", new)) == [
        "+ attached to role `${Role}`",
        "+ Deny `sqs:*` on `*` to `AWS:*`",
    ]


def test_types_without_policies_have_no_policy_changes() -> None:
    assert policy_changes(("AWS::SQS::Queue", {}), ("AWS::SQS::Queue", {"QueueName": "x"})) == []
