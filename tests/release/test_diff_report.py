"""The Markdown report: production's replacements and deletions first, in words."""

from release.diff_report import GONE_STACK, StackReport, production_sentence, render_report
from release.template_diff import MAY_BE_REPLACED, REMOVED, REPLACED, ResourceDiff, TemplateDiff


def _replaced_table(keeps_old: bool) -> ResourceDiff:
    return ResourceDiff(
        "TablesConversations1", "AWS::DynamoDB::Table", "Tables/Conversations", REPLACED,
        reasons=["`TableName` cannot change in place"], keeps_old=keeps_old,
    )  # fmt: skip


def test_replacement_says_why_and_what_happens_to_the_old_resource() -> None:
    sentence = production_sentence("aicc-prod-stateful", _replaced_table(keeps_old=True))
    assert sentence == (
        "**Replaced**: `Tables/Conversations` (AWS::DynamoDB::Table, logical id `TablesConversations1`) in "
        "`aicc-prod-stateful`, because `TableName` cannot change in place. CloudFormation creates a new one "
        "and then keeps the old one (UpdateReplacePolicy), no longer managed and not moved into the new one."
    )
    assert production_sentence("s", _replaced_table(keeps_old=False)).endswith("then deletes the old one.")


def test_removals_distinguish_deleted_from_kept() -> None:
    deleted = ResourceDiff("Q", "AWS::SQS::Queue", "Dlq", REMOVED)
    kept = ResourceDiff("K", "AWS::KMS::Key", "DataKey", REMOVED, keeps_old=True)
    assert production_sentence("s", deleted).startswith("**Deleted**: `Dlq`")
    assert production_sentence("s", kept).startswith("**Removed but kept**: `DataKey`")


def test_production_block_comes_first_and_lists_only_production() -> None:
    may = ResourceDiff("A", "AWS::Connect::IntegrationAssociation", "Integrations/LexBot", MAY_BE_REPLACED,
                       reasons=["`IntegrationArn` refers to `Alias`, which is replaced"])  # fmt: skip
    stacks = [
        StackReport("dev", "aicc-dev-stateful", TemplateDiff(resources=[_replaced_table(False)])),
        StackReport("prod", "aicc-prod-bot", TemplateDiff(resources=[may])),
        StackReport("prod", "aicc-prod-old", TemplateDiff(), GONE_STACK),
    ]
    report = render_report("`main` (abc)", "the working tree", stacks, ["dev", "prod"])
    production = report.split("## Production: replaced or deleted resources\n\n")[1].split("\n## ")[0]
    assert report.index("## Production") < report.index("## Summary") < report.index("## dev")
    assert production.splitlines() == [
        "- **May be replaced**: `Integrations/LexBot` (AWS::Connect::IntegrationAssociation, logical id `A`) "
        "in `aicc-prod-bot`, because `IntegrationArn` refers to `Alias`, which is replaced. CloudFormation "
        "creates a new one and then deletes the old one.",
        "- **Stack `aicc-prod-old` is no longer in the app.** `cdk deploy` leaves it as it is; its resources "
        "are deleted only if someone destroys the stack.",
    ]
    assert "| dev | `aicc-dev-stateful` | · | · | 1 | · | · | · |" in report


def test_no_changes_says_so_and_production_is_clear() -> None:
    report = render_report("b", "h", [StackReport("prod", "aicc-prod-bot", TemplateDiff())], ["prod"])
    assert "Nothing in production would be replaced or deleted." in report
    assert "No changes." in report
