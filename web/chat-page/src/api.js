// POST {apiUrl}/chats: the start-chat API returns the participant's chat details, or a Korean
// message the page shows as is.

import { TEXT } from "./text.js";

/** A start that failed; `message` is Korean and meant for the caller. */
export class StartChatError extends Error {
  constructor(message, code) {
    super(message);
    this.name = "StartChatError";
    this.code = code;
  }
}

/**
 * Start a chat; resolves to {contactId, participantId, participantToken, chatDurationMinutes}.
 * `customerToken` (a signed-in customer's token from the company's site) is sent only when given.
 */
export async function startChat(apiUrl, { displayName, page, customerToken = null }, fetchImpl = globalThis.fetch) {
  const body = { displayName, attributes: page ? { locale: "ko_KR", page } : { locale: "ko_KR" } };
  if (customerToken) body.customerToken = customerToken;
  let response;
  try {
    response = await fetchImpl(`${apiUrl}/chats`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new StartChatError(TEXT.startFailed, "NetworkError");
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const message = payload && typeof payload.message === "string" && payload.message.trim();
    const code = payload && typeof payload.code === "string" ? payload.code : `HTTP${response.status}`;
    throw new StartChatError(message || TEXT.startFailed, code);
  }
  const fields = ["participantToken", "contactId", "participantId"];
  if (!payload || fields.some((field) => typeof payload[field] !== "string" || !payload[field])) {
    throw new StartChatError(TEXT.startFailed, "InvalidResponse");
  }
  return {
    contactId: payload.contactId,
    participantId: payload.participantId,
    participantToken: payload.participantToken,
    chatDurationMinutes: payload.chatDurationMinutes,
  };
}
