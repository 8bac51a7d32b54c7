"""``call --press``: keypad keys as the caller's input, in order with ``--say``; bad keys exit 2."""

from __future__ import annotations

import io
import json

import pytest

from simulator import cli


def test_pressed_keys_reach_the_bot_as_dtmf_in_order_with_what_is_said() -> None:
    stdout = io.BytesIO()
    argv = ["call", "--json", "--at", "2026-03-10T10:00:00+09:00", "--say", "주문 조회하고 싶어요"]
    argv += ["--press", "2026 0001#", "--say", "감사합니다"]
    assert cli.main(argv, stdin=io.BytesIO(), stdout=stdout) == 0
    result = json.loads(stdout.getvalue())
    assert [turn["input_mode"] for turn in result["bot_turns"]] == ["Speech", "DTMF", "Speech"]
    assert result["bot_turns"][1]["keypad"] == {"ended_by": "end_key", "digits": 8, "ignored": 0}
    assert any("배송 중 상태입니다" in prompt for prompt in result["prompts"])


@pytest.mark.parametrize("keys", ["12a#", "", "일이삼"])
def test_anything_but_keypad_keys_exits_2_with_one_line(
    keys: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["call", "--press", keys], stdin=io.BytesIO(), stdout=io.BytesIO())
    assert exited.value.code == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "--press" in error
