// What the page shows for one chat item (a Participant API `Item`, from the websocket or from
// GetTranscript): who said it (the caller, the bot or an agent), its text and its Korea time.
// Pure functions, no DOM: tested with node's test runner (tests/transcript.test.js).

import { TEXT } from "./text.js";

export const CONTENT_TYPES = Object.freeze({
  plain: "text/plain",
  markdown: "text/markdown",
  interactive: "application/vnd.amazonaws.connect.message.interactive",
  joined: "application/vnd.amazonaws.connect.event.participant.joined",
  left: "application/vnd.amazonaws.connect.event.participant.left",
  typing: "application/vnd.amazonaws.connect.event.typing",
  ended: "application/vnd.amazonaws.connect.event.chat.ended",
});

const KOREA_TIME = new Intl.DateTimeFormat("ko-KR", {
  timeZone: "Asia/Seoul",
  hour: "numeric",
  minute: "2-digit",
});

/** "오후 3:05": the item's time in Korea, whatever the browser's time zone; "" when absent. */
export function koreaTime(absoluteTime) {
  const date = new Date(absoluteTime);
  return Number.isNaN(date.getTime()) ? "" : KOREA_TIME.format(date);
}

/** Who an item is from: "customer", "agent" or "bot" (flows, Lex and other automation). */
export function speakerOf(item) {
  if (item.ParticipantRole === "CUSTOMER") return "customer";
  if (item.ParticipantRole === "AGENT") return "agent";
  return "bot";
}

/** The label read before a message: 나, 챗봇 or 상담원 <name>. */
export function speakerLabel(item) {
  const speaker = speakerOf(item);
  if (speaker === "customer") return TEXT.you;
  if (speaker === "agent") {
    const name = (item.DisplayName || "").trim();
    return name ? `${TEXT.agent} ${name}` : TEXT.agent;
  }
  return TEXT.bot;
}

/**
 * The entry to show for `item`, or null for items the page does not show (typing, receipts,
 * the end of the chat, which has its own notice).
 * Entry: {id, kind: "message" | "notice", speaker, label, text, time}.
 */
export function toEntry(item) {
  if (!item || typeof item !== "object") return null;
  const base = { id: item.Id || null, time: koreaTime(item.AbsoluteTime), speaker: speakerOf(item) };
  switch (item.ContentType) {
    case CONTENT_TYPES.plain:
    case CONTENT_TYPES.markdown: {
      const text = typeof item.Content === "string" ? item.Content.trim() : "";
      return text ? { ...base, kind: "message", label: speakerLabel(item), text } : null;
    }
    case CONTENT_TYPES.interactive: {
      const text = interactiveText(item.Content);
      return text ? { ...base, kind: "message", label: speakerLabel(item), text } : null;
    }
    case CONTENT_TYPES.joined:
    case CONTENT_TYPES.left: {
      if (speakerOf(item) !== "agent") return null;
      const name = (item.DisplayName || "").trim() || TEXT.agent;
      const text = item.ContentType === CONTENT_TYPES.joined ? TEXT.agentJoined(name) : TEXT.agentLeft(name);
      return { ...base, kind: "notice", label: TEXT.system, text };
    }
    default:
      return null;
  }
}

/** The title and choices of an interactive message (list picker, quick replies) as plain text. */
export function interactiveText(content) {
  let parsed;
  try {
    parsed = JSON.parse(content);
  } catch {
    return "";
  }
  const body = parsed && parsed.data && parsed.data.content;
  if (!body || typeof body !== "object") return "";
  const lines = [];
  if (typeof body.title === "string" && body.title.trim()) lines.push(body.title.trim());
  for (const element of Array.isArray(body.elements) ? body.elements : []) {
    if (element && typeof element.title === "string" && element.title.trim()) {
      lines.push(`- ${element.title.trim()}`);
    }
  }
  return lines.join("\n");
}

/**
 * Remembers which items are on screen, so an item seen on the websocket and again in the
 * transcript (or twice on the websocket) is shown once.
 */
export class SeenItems {
  constructor() {
    this.ids = new Set();
  }

  /** True the first time an id is offered (items without an id are always new). */
  isNew(item) {
    if (!item || !item.Id) return true;
    if (this.ids.has(item.Id)) return false;
    this.ids.add(item.Id);
    return true;
  }
}
