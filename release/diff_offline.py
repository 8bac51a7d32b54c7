"""``python -m release.diff_offline --base REF``: what a change does to every stack, without AWS.

Both sides are synthesized, never fetched: a pull request's reviewer (or CI, which has no
credentials) compares the cloud assembly of a git revision with that of the working tree, and the
result does not depend on what happens to be deployed. ``cdk diff`` against the live stacks stays
``make diff`` (credentials needed).

- The base is checked out with ``git worktree add --detach`` into a temporary directory (removed
  afterwards, also on errors and Ctrl-C) and synthesized there with THIS checkout's ``.venv``
  Python and ``node_modules`` CDK CLI: ``cdk synth`` (not ``python app.py``) because the CLI is what
  passes cdk.json's feature flags and the path/asset metadata, exactly as ``make synth`` and
  ``cdk deploy`` do. A base needing other Python packages than the venv has would fail to synth.
- The synths run with every ``AWS_*`` and ``CDK_DEFAULT_*`` variable removed, the credential and
  config files pointed at ``/dev/null``, instance metadata disabled, no version check and
  ``--lookups=false``: credentials, present or not, cannot matter. Base and working tree are
  synthesized at the same time (about 25 s each); ``--head-out cdk.out`` reuses an assembly
  already synthesized from the working tree instead.
- Stacks are grouped by their ``Environment`` tag and matched by stack name; the diff itself is
  ``release.template_diff`` and the Markdown ``release.diff_report``.

Exit status: 0 no change, 1 changes, 2 bad input or a failed synth (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any, Final, NoReturn

from release.diff_report import GONE_STACK, NEW_STACK, StackReport, render_report
from release.template_diff import cfn_lint_rules, diff_templates

PROG: Final = "diff-offline"
#: The checkout whose venv and node_modules synthesize both sides.
TOOLS_ROOT: Final = Path(__file__).resolve().parents[1]
ENVIRONMENTS_FILE: Final = Path("config") / "environments.json"
_SYNTH_TIMEOUT_SECONDS: Final = 600

#: environment -> stack name -> (region, template)
Assembly = dict[str, dict[str, tuple[str, dict[str, Any]]]]


class UsageError(Exception):
    """Bad input or a failed step: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=f"python -m release.{Path(__file__).stem}", description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="git ref to compare the working tree with")
    parser.add_argument("--env", default="all", help="one environment (default: all)")
    parser.add_argument("--head-out", type=Path, help="an assembly already synthesized from the working tree")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the repository (default: .)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A cancelled CI job sends SIGTERM: unwind like Ctrl-C so the worktree is removed.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run(build_parser().parse_args(argv))
    except UsageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(_signal: int, _frame: object) -> NoReturn:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    repo = Path(_git(args.repo, "rev-parse", "--show-toplevel", what=f"{args.repo} is not a git repository"))
    sha = _git(
        repo,
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        f"{args.base}^{{commit}}",
        what=f"base ref {args.base!r} does not exist in {repo}",
    )
    known = environment_names(repo)
    if args.env != "all" and args.env not in known:
        raise UsageError(f"unknown environment {args.env!r} (known: {', '.join(known)}, all)")
    selected = known if args.env == "all" else [args.env]
    if args.head_out is not None and not (args.head_out / "manifest.json").is_file():
        raise UsageError(f"--head-out {args.head_out} holds no cloud assembly (no manifest.json)")
    with tempfile.TemporaryDirectory(prefix="aicc-diff-") as temporary:
        base_out, head_out = synthesize_both(repo, sha, Path(temporary), args.head_out)
        base, head = load_assembly(base_out), load_assembly(head_out)
    stacks = compare(base, head, selected)
    head_label = "the working tree" if args.head_out is None else f"`{args.head_out}`"
    print(render_report(f"`{args.base}` ({sha[:10]})", head_label, stacks, selected), end="")
    return 1 if any(stack.presence or not stack.diff.empty for stack in stacks) else 0


def environment_names(repo: Path) -> list[str]:
    """The environments ``config/environments.json`` defines, in its order."""
    path = repo / ENVIRONMENTS_FILE
    try:
        environments = json.loads(path.read_text(encoding="utf-8"))["environments"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(f"cannot read the environments from {path}: {error}") from None
    return list(environments)


def synthesize_both(repo: Path, sha: str, temporary: Path, head_out: Path | None) -> tuple[Path, Path]:
    """Synthesize the base (in a worktree) and, unless given, the working tree, side by side."""
    cdk = TOOLS_ROOT / "node_modules" / ".bin" / "cdk"
    if not cdk.is_file():
        raise UsageError(f"{cdk} is missing: run `make setup` first")
    worktree = temporary / "base"
    _git(repo, "worktree", "add", "--detach", "--quiet", str(worktree), sha, what="git worktree add failed")
    jobs: list[tuple[str, subprocess.Popen[bytes], Path]] = []
    try:
        jobs.append(
            ("the base", *_start_synth(cdk, worktree, temporary / "base.out", temporary / "base.log"))
        )
        if head_out is None:
            head_out = temporary / "head.out"
            jobs.append(("the working tree", *_start_synth(cdk, repo, head_out, temporary / "head.log")))
        for label, process, log in jobs:
            try:
                status = process.wait(timeout=_SYNTH_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                raise UsageError(f"synthesizing {label} took over {_SYNTH_TIMEOUT_SECONDS} s") from None
            if status != 0:
                raise UsageError(f"synthesizing {label} failed: {_last_line(log)}")
    finally:
        for _, process, _ in jobs:
            if process.poll() is None:
                process.terminate()
                process.wait()
        _remove_worktree(repo, worktree)
    return temporary / "base.out", head_out


def _start_synth(cdk: Path, directory: Path, outdir: Path, log: Path) -> tuple[subprocess.Popen[bytes], Path]:
    command = [
        str(cdk),
        "synth",
        "--quiet",
        "--no-notices",
        "--lookups=false",
        "--output",
        str(outdir),
        "--app",
        f"{shlex.quote(sys.executable)} app.py",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own CLI, no shell
            command, cwd=directory, env=synth_environment(), stdout=output, stderr=subprocess.STDOUT
        )
    return process, log


def synth_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a synth: no AWS credentials or settings, no lookups, this Node first."""
    source = dict(os.environ if environ is None else environ)
    kept = {
        key: value
        for key, value in source.items()
        if not key.startswith(("AWS_", "CDK_DEFAULT_", "CDK_CONTEXT_JSON", "CDK_OUTDIR"))
    }
    kept.update(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_CONFIG_FILE=os.devnull,
        CDK_DISABLE_VERSION_CHECK="true",
        PYTHONDONTWRITEBYTECODE="1",
        PATH=os.pathsep.join([str(TOOLS_ROOT / "node_modules" / ".bin"), source.get("PATH", "")]),
    )
    return kept


def _remove_worktree(repo: Path, worktree: Path) -> None:
    removed = subprocess.run(  # noqa: S603 - git with fixed arguments
        ["git", "-C", str(repo), "worktree", "remove", "--force", str(worktree)],  # noqa: S607
        capture_output=True,
        check=False,
    )
    if removed.returncode != 0:
        subprocess.run(["git", "-C", str(repo), "worktree", "prune"], capture_output=True, check=False)  # noqa: S603, S607


def _last_line(log: Path) -> str:
    lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def _git(repo: Path, *arguments: str, what: str) -> str:
    try:
        result = subprocess.run(  # noqa: S603 - git with our arguments, no shell
            ["git", "-C", str(repo), *arguments],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        raise UsageError(f"{what}: {error}") from None
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()
        raise UsageError(what + (f": {detail[-1]}" if detail and "--quiet" not in arguments else ""))
    return result.stdout.strip()


def load_assembly(outdir: Path) -> Assembly:
    """The stacks of a cloud assembly by their ``Environment`` tag, in the manifest's order."""
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    assembly: Assembly = {}
    for name, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        properties = artifact.get("properties", {})
        environment = properties.get("tags", {}).get("Environment", "(untagged)")
        region = str(artifact.get("environment", "")).rsplit("/", 1)[-1]
        template = json.loads((outdir / properties["templateFile"]).read_text(encoding="utf-8"))
        assembly.setdefault(environment, {})[name] = (region, template)
    return assembly


def compare(base: Assembly, head: Assembly, environments: Sequence[str]) -> list[StackReport]:
    """One report per stack of ``environments`` that either side has."""
    reports: list[StackReport] = []
    for environment in environments:
        old, new = base.get(environment, {}), head.get(environment, {})
        for stack in [*new, *(name for name in old if name not in new)]:
            region, _ = new.get(stack) or old[stack]
            presence = NEW_STACK if stack not in old else GONE_STACK if stack not in new else ""
            old_template = old[stack][1] if stack in old else {}
            new_template = new[stack][1] if stack in new else {}
            diff = diff_templates(old_template, new_template, partial(cfn_lint_rules, region=region))
            if presence == GONE_STACK:
                # Deploying without the stack leaves it alone: nothing of it is deleted or replaced.
                diff.resources = []
            reports.append(StackReport(environment, stack, diff, presence))
    return reports


if __name__ == "__main__":
    sys.exit(main())
