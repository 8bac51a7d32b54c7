"""The app is synthesized at most once per session: shared between workers, handed over by make."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from config import EnvironmentConfig
from tests.infrastructure.conftest import cli_assembly, newest_input, shared_synth

MANIFEST = {
    "artifacts": {
        "aicc-dev-bot": {"type": "aws:cloudformation:stack", "properties": {"tags": {"Environment": "dev"}}},
        "Tree": {"type": "cdk:tree"},
    }
}


class FakeSynth:
    """Writes a one-stack assembly and counts its calls (slowly, so that callers overlap)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, outdir: Path, configs: list[EnvironmentConfig]) -> None:
        self.calls += 1
        threading.Event().wait(0.2)
        outdir.mkdir(parents=True)
        (outdir / "aicc-dev-bot.template.json").write_text('{"Resources": {}}')
        (outdir / "manifest.json").write_text(json.dumps(MANIFEST))


def test_concurrent_processes_of_a_session_synthesize_once_and_share_the_assembly(tmp_path: Path) -> None:
    fake = FakeSynth()
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(shared_synth(tmp_path, [], fake))) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake.calls == 1
    assert [result.stack_names for result in results] == [{"dev": {"bot": "aicc-dev-bot"}}] * 3
    assert (tmp_path / "synth-count").read_text() == "1"


def test_a_second_synthesis_in_one_session_fails(tmp_path: Path) -> None:
    (tmp_path / "synth-count").write_text("1")  # a first synthesis that left no assembly
    fake = FakeSynth()
    with pytest.raises(pytest.fail.Exception, match="synthesized a second time in this session"):
        shared_synth(tmp_path, [], fake)
    assert fake.calls == 0


def test_the_newest_synth_input_is_found_and_bytecode_ignored(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "app.py").write_text("")
    (tmp_path / "pkg" / "module.py").write_text("")
    os.utime(tmp_path / "app.py", (1_000, 1_000))
    os.utime(tmp_path / "pkg" / "module.py", (2_000, 2_000))
    (tmp_path / "pkg" / "__pycache__" / "module.pyc").write_text("")  # now: ignored
    assert newest_input(tmp_path, ["app.py", "pkg", "absent"]) == (2_000, tmp_path / "pkg" / "module.py")


def test_a_handed_over_assembly_must_exist_and_be_newer_than_the_sources(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="holds no cloud assembly"):
        cli_assembly(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST))
    os.utime(tmp_path / "manifest.json", (1_000, 1_000))
    with pytest.raises(pytest.fail.Exception, match=r"is older than \S+: run `make test` again"):
        cli_assembly(tmp_path)
