// Every caller-facing sentence of the page, in polite Korean (존댓말), in one place.

export const TEXT = Object.freeze({
  idle: "상담을 시작하시려면 이름을 입력해 주세요.",
  starting: "상담을 요청하는 중입니다...",
  connecting: "연결 중...",
  connected: "상담이 연결되었습니다. 궁금하신 점을 입력해 주세요.",
  reconnecting: "연결이 끊겼습니다. 다시 연결하는 중입니다...",
  ended: "상담이 종료되었습니다. 이용해 주셔서 감사합니다.",
  agentTyping: "상담원이 입력 중입니다...",
  botTyping: "챗봇이 답변을 준비하고 있습니다...",
  nameRequired: "이름을 입력해 주세요.",
  messageRequired: "보내실 메시지를 입력해 주세요.",
  // The API contract's sentence for an answer the page cannot read (web/chat_api_contract.md).
  startFailed: "일시적인 문제로 상담을 시작하지 못했습니다. 잠시 후 다시 시도해 주세요.",
  configFailed: "상담 설정을 불러오지 못했습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
  connectFailed: "상담 서버에 연결하지 못했습니다. 잠시 후 다시 시도해 주세요.",
  sendFailed: "메시지를 보내지 못했습니다. 다시 보내 주세요.",
  endConfirmed: "상담을 종료했습니다.",
  you: "나",
  bot: "챗봇",
  agent: "상담원",
  system: "안내",
  agentJoined: (name) => `${name} 상담원이 연결되었습니다.`,
  agentLeft: (name) => `${name} 상담원이 대화를 떠났습니다.`,
  timeLabel: (time) => `${time}에 보냄`,
});
