"""Intrinsics rendered as ``${…}`` text, and the logical ids a value refers to."""

from release.symbolic import references, render


def test_get_att_ref_and_join_render_as_sub_placeholders() -> None:
    value = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":x/", {"Fn::GetAtt": ["Table", "Arn"]}]]}
    assert render(value) == "arn:${AWS::Partition}:x/${Table.Arn}"


def test_sub_with_variables_substitutes_only_the_named_ones() -> None:
    value = {"Fn::Sub": ["${Name}-${AWS::Region}", {"Name": {"Ref": "Bucket"}}]}
    assert render(value) == "${Bucket}-${AWS::Region}"


def test_cross_stack_output_names_the_stack_and_output() -> None:
    value = {"Fn::GetStackOutput": {"StackName": "aicc-dev-connect", "OutputName": "InstanceArn"}}
    assert render(value) == "${aicc-dev-connect.Outputs.InstanceArn}"


def test_unknown_function_keeps_its_name_and_has_no_quotes() -> None:
    text = render({"Fn::Base64": {"Ref": "Thing"}})
    assert text == "${Fn::Base64(${Thing})}"
    assert '"' not in text


def test_references_skip_pseudo_parameters() -> None:
    value = {
        "A": {"Ref": "Queue"},
        "B": {"Fn::GetAtt": "Role.Arn"},
        "C": {"Fn::Sub": "arn:${AWS::Partition}:${Key.Arn}"},
        "D": [{"Ref": "AWS::Region"}],
        "E": {"Fn::Sub": ["${Local}", {"Local": "x"}]},
    }
    assert references(value) == {"Queue", "Role", "Key"}
