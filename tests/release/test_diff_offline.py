"""The command line: bad input exits 2 with one line; a real base is synthesized in a git worktree."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest

from release import diff_offline
from release.diff_offline import main, synth_environment

REPO_ROOT = Path(__file__).resolve().parents[2]


def _one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("diff-offline: ")
    return lines[0]


def test_base_ref_that_does_not_exist(capsys: pytest.CaptureFixture[str]) -> None:
    line = _one_line_exit_2(capsys, ["--base", "no-such-ref-h2", "--repo", str(REPO_ROOT)])
    assert "base ref 'no-such-ref-h2' does not exist" in line


def test_unknown_environment(capsys: pytest.CaptureFixture[str]) -> None:
    line = _one_line_exit_2(capsys, ["--base", "HEAD", "--env", "qa", "--repo", str(REPO_ROOT)])
    assert line == "diff-offline: unknown environment 'qa' (known: dev, staging, prod, all)"


def test_missing_base_and_not_a_repository(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert "--base" in _one_line_exit_2(capsys, [])
    assert "is not a git repository" in _one_line_exit_2(capsys, ["--base", "HEAD", "--repo", str(tmp_path)])


def test_head_out_without_an_assembly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["--base", "HEAD", "--repo", str(REPO_ROOT), "--head-out", str(tmp_path)]
    assert "holds no cloud assembly" in _one_line_exit_2(capsys, argv)


def test_synth_environment_has_no_credentials_and_this_node_first() -> None:
    environment = synth_environment(
        {
            "PATH": "/usr/bin",
            "AWS_ACCESS_KEY_ID": "AKIA",
            "AWS_PROFILE": "p",
            "CDK_DEFAULT_ACCOUNT": "1",
            "HOME": "/h",
        }
    )
    assert not {"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "CDK_DEFAULT_ACCOUNT"} & environment.keys()
    assert environment["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull
    assert environment["AWS_EC2_METADATA_DISABLED"] == "true"
    assert environment["PATH"].split(os.pathsep)[0] == str(REPO_ROOT / "node_modules" / ".bin")
    assert environment["HOME"] == "/h"


# A throwaway repository with a tiny CDK app: one stack per environment, its queue named per commit.
_APP = textwrap.dedent(
    """
    import json
    from aws_cdk import App, CfnResource, Stack

    app = App()
    settings = json.load(open("settings.json"))
    for environment in json.load(open("config/environments.json"))["environments"]:
        stack = Stack(app, f"tiny-{environment}", tags={"Environment": environment})
        CfnResource(stack, "Queue", type="AWS::SQS::Queue", properties={"QueueName": settings["queue"]})
        if settings.get("grant"):
            CfnResource(stack, "Policy", type="AWS::IAM::Policy", properties={
                "PolicyName": "p", "Roles": ["r"],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "sqs:SendMessage",
                     "Resource": {"Fn::GetAtt": ["Queue", "Arn"]}}
                ]},
            })
    app.synth()
    """
)


def _git(repo: Path, *arguments: str) -> None:
    subprocess.run(  # noqa: S603 - git with the test's own arguments
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *arguments],  # noqa: S607
        check=True,
        capture_output=True,
    )


def _tiny_repo(root: Path) -> Path:
    repo = root / "tiny"
    (repo / "config").mkdir(parents=True)
    (repo / "config" / "environments.json").write_text(json.dumps({"environments": {"dev": {}, "prod": {}}}))
    (repo / "cdk.json").write_text(json.dumps({"app": "python app.py", "context": {}}))
    (repo / "app.py").write_text(_APP)
    (repo / "settings.json").write_text(json.dumps({"queue": "calls"}))
    _git(repo, "init", "--quiet")
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "-m", "base")
    return repo


def _worktrees(repo: Path) -> list[str]:
    listed = subprocess.run(  # noqa: S603 - git with the test's own arguments
        ["git", "-C", str(repo), "worktree", "list"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.splitlines()


def test_worktree_is_removed_when_interrupted_or_terminated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _tiny_repo(tmp_path)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))

    def interrupted(*_: Any) -> Any:
        raise KeyboardInterrupt

    def terminated(*_: Any) -> Any:
        os.kill(os.getpid(), signal.SIGTERM)  # as a cancelled CI job; main turns it into an interrupt
        pytest.fail("SIGTERM did not interrupt")

    for start in (interrupted, terminated):
        monkeypatch.setattr(diff_offline, "_start_synth", start)
        assert main(["--base", "HEAD", "--repo", str(repo)]) == 130
        assert len(_worktrees(repo)) == 1
        assert not list(temporary.iterdir())


def test_base_synthesized_in_a_worktree_without_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """End to end: both sides synthesized by the CDK CLI; the queue's new name replaces it."""
    if shutil.which("git") is None or not (REPO_ROOT / "node_modules" / ".bin" / "cdk").is_file():
        pytest.fail("needs git and `make setup` (node_modules)")
    repo = _tiny_repo(tmp_path)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")  # would be wrong if anything used it
    monkeypatch.setenv("AWS_PROFILE", "does-not-exist")

    (repo / "settings.json").write_text(json.dumps({"queue": "callbacks", "grant": True}))
    assert main(["--base", "HEAD", "--repo", str(repo), "--env", "prod"]) == 1
    report = capsys.readouterr().out
    assert "- **Replaced**: `Queue` (AWS::SQS::Queue, logical id `Queue`) in `tiny-prod`, because " in report
    assert "- + Allow `sqs:SendMessage` on `${Queue.Arn}`" in report.replace("  - +", "- +")
    assert "tiny-dev" not in report
    assert len(_worktrees(repo)) == 1


def _assembly(directory: Path, templates: dict[str, dict[str, Any]]) -> Path:
    """A cloud assembly as ``cdk synth`` writes it: manifest.json plus one template per stack."""
    directory.mkdir()
    artifacts = {}
    for stack, template in templates.items():
        (directory / f"{stack}.template.json").write_text(json.dumps(template))
        artifacts[stack] = {
            "type": "aws:cloudformation:stack",
            "environment": "aws://unknown-account/ap-northeast-2",
            "properties": {
                "templateFile": f"{stack}.template.json",
                "tags": {"Environment": stack.split("-")[1]},
            },
        }
    (directory / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": artifacts}))
    return directory


def test_exit_status_is_0_without_changes_and_1_with_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    queue = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "a"}}}}
    renamed = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "b"}}}}
    base = _assembly(tmp_path / "base", {"aicc-dev-x": queue, "aicc-prod-x": queue})
    same = _assembly(tmp_path / "same", {"aicc-dev-x": queue, "aicc-prod-x": queue})
    changed = _assembly(tmp_path / "changed", {"aicc-dev-x": renamed, "aicc-prod-x": queue})
    monkeypatch.setattr(diff_offline, "synthesize_both", lambda _repo, _sha, _tmp, head: (base, head))
    argv = ["--base", "HEAD", "--repo", str(REPO_ROOT), "--head-out"]

    assert main([*argv, str(same)]) == 0
    assert "No changes." in capsys.readouterr().out
    assert main([*argv, str(changed), "--env", "prod"]) == 0
    assert main([*argv, str(changed)]) == 1
    report = capsys.readouterr().out
    assert "| dev | `aicc-dev-x` | · | · | 1 | · | · | · |" in report
    assert "Nothing in production would be replaced or deleted." in report
