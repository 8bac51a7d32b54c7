"""What the chat page shows for each error of the start-chat API: polite Korean, one per code.

The page displays ``message`` as it is; ``code`` (``contract.ChatErrorCode``) is for its logic. The
same texts are the API Gateway responses for requests refused before the function (throttling,
WAF, a malformed body), so every refusal reads the same whoever refuses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from contract import ChatErrorCode

CHAT_ERROR_MESSAGES: Final[Mapping[ChatErrorCode, str]] = {
    ChatErrorCode.INVALID_REQUEST: (
        "요청 형식이 올바르지 않습니다. 페이지를 새로고침한 뒤 다시 시도해 주세요."
    ),
    ChatErrorCode.INVALID_DISPLAY_NAME: (
        "이름을 확인해 주세요. 이름은 1자 이상 40자 이하로, 줄바꿈이나 특수 제어 문자 없이 입력해 주세요."
    ),
    ChatErrorCode.INVALID_ATTRIBUTES: (
        "허용되지 않은 정보가 함께 전송되었습니다. 페이지를 새로고침한 뒤 다시 시도해 주세요."
    ),
    ChatErrorCode.INVALID_TOKEN: ("로그인 정보를 확인할 수 없습니다. 다시 로그인한 뒤 상담을 시작해 주세요."),
    ChatErrorCode.EXPIRED_TOKEN: (
        "로그인 정보의 유효 시간이 지났습니다. 페이지를 새로고침한 뒤 다시 시도해 주세요."
    ),
    ChatErrorCode.ORIGIN_NOT_ALLOWED: (
        "이 페이지에서는 채팅 상담을 시작할 수 없습니다. 고객센터 홈페이지에서 이용해 주세요."
    ),
    ChatErrorCode.NOT_FOUND: (
        "요청하신 주소를 찾을 수 없습니다. 고객센터 홈페이지에서 채팅 상담을 시작해 주세요."
    ),
    ChatErrorCode.RATE_LIMITED: "지금 상담 요청이 많습니다. 잠시 후 다시 시도해 주세요.",
    ChatErrorCode.BUSY: "지금은 상담 가능한 채팅이 모두 사용 중입니다. 잠시 후 다시 시도해 주세요.",
    ChatErrorCode.UNAVAILABLE: ("일시적인 문제로 상담을 시작하지 못했습니다. 잠시 후 다시 시도해 주세요."),
    ChatErrorCode.INTERNAL_ERROR: ("죄송합니다. 상담을 시작하지 못했습니다. 잠시 후 다시 시도해 주세요."),
}


def chat_error_message(code: ChatErrorCode) -> str:
    """The Korean message of ``code``."""
    return CHAT_ERROR_MESSAGES[code]
