// The chat page: start form → POST /chats → chatjs session → messages until the chat ends.
// Screen readers hear new messages through the log (role="log", aria-live="polite") and the
// connection state through the status line (role="status"); everything works by keyboard.

import { startChat, StartChatError } from "./api.js";
import { createSession } from "./chat.js";
import { customerTokenFrom, loadConfig, startingPage } from "./config.js";
import { TEXT } from "./text.js";
import { CONTENT_TYPES, SeenItems, toEntry } from "./transcript.js";
import { TYPING_INDICATOR_MS, typingNotifier } from "./typing.js";

const $ = (id) => document.getElementById(id);

const ui = {
  status: $("connection-status"),
  startForm: $("start-form"),
  nameInput: $("display-name"),
  startButton: $("start-button"),
  startError: $("start-error"),
  chat: $("chat"),
  messages: $("messages"),
  typing: $("typing-indicator"),
  messageForm: $("message-form"),
  messageInput: $("message-input"),
  messageError: $("message-error"),
  sendButton: $("send-button"),
  endButton: $("end-button"),
  endedPanel: $("ended-panel"),
  endedMessage: $("ended-message"),
  restartButton: $("restart-button"),
};

let config = null;
// Where on the company's site the chat started (read before the address bar is tidied below).
const chatStartedOn = startingPage({
  search: window.location.search,
  referrer: document.referrer,
  origin: window.location.origin,
  pathname: window.location.pathname,
});
// Read once and taken out of the address bar, so it is neither bookmarked nor shared.
const customerToken = customerTokenFrom(window.location.hash);
if (customerToken) {
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
}
let session = null;
let seen = new SeenItems();
let typingTimer = null;
let ended = false;

function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

function showError(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

function setComposerEnabled(enabled) {
  ui.messageInput.disabled = !enabled;
  ui.sendButton.disabled = !enabled;
  ui.endButton.disabled = !enabled;
}

function appendEntry(entry) {
  const item = document.createElement("li");
  if (entry.kind === "notice") {
    item.className = "notice";
    item.textContent = entry.text;
  } else {
    item.className = "message";
    item.dataset.speaker = entry.speaker;
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = entry.label;
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = entry.text; // never innerHTML: messages are untrusted text
    item.append(who, text);
    if (entry.time) {
      const time = document.createElement("time");
      time.textContent = entry.time;
      time.setAttribute("aria-label", TEXT.timeLabel(entry.time));
      item.append(time);
    }
  }
  ui.messages.append(item);
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

function showItem(item) {
  if (!seen.isNew(item)) return;
  const entry = toEntry(item);
  if (entry) {
    if (entry.speaker !== "customer") hideTyping();
    appendEntry(entry);
  }
}

function showTyping(item) {
  if (!item || item.ParticipantRole === "CUSTOMER") return;
  ui.typing.textContent = item.ParticipantRole === "AGENT" ? TEXT.agentTyping : TEXT.botTyping;
  ui.typing.hidden = false;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideTyping, TYPING_INDICATOR_MS);
}

function hideTyping() {
  clearTimeout(typingTimer);
  ui.typing.hidden = true;
  ui.typing.textContent = "";
}

async function loadEarlierMessages() {
  // Items sent before the websocket subscribed (the flow's greeting) come from the transcript.
  try {
    const response = await session.getTranscript({
      maxResults: 100,
      scanDirection: "BACKWARD",
      sortOrder: "ASCENDING",
    });
    const items = (response && response.data && response.data.Transcript) || [];
    items.forEach(showItem);
  } catch {
    // The live messages still arrive; an old greeting missing is not worth an error.
  }
}

function chatEnded(state = "ended", text = TEXT.ended) {
  if (ended) return;
  ended = true;
  hideTyping();
  setComposerEnabled(false);
  setStatus(state, text);
  ui.endedMessage.textContent = text;
  ui.endedPanel.hidden = false;
  ui.endedMessage.focus();
}

const notifyTyping = typingNotifier(() => {
  if (session && !ended) {
    session.sendEvent({ contentType: CONTENT_TYPES.typing }).catch(() => {});
  }
});

async function onStart(event) {
  event.preventDefault();
  const displayName = ui.nameInput.value.trim();
  showError(ui.startError, "");
  if (!displayName) {
    showError(ui.startError, TEXT.nameRequired);
    ui.nameInput.setAttribute("aria-invalid", "true");
    ui.nameInput.focus();
    return;
  }
  ui.nameInput.removeAttribute("aria-invalid");
  ui.startButton.disabled = true;
  setStatus("starting", TEXT.starting);
  try {
    config = config || (await loadConfig());
  } catch {
    ui.startButton.disabled = false;
    setStatus("error", TEXT.configFailed);
    showError(ui.startError, TEXT.configFailed);
    return;
  }
  let details;
  try {
    details = await startChat(config.apiUrl, { displayName, page: chatStartedOn, customerToken });
  } catch (error) {
    const message = error instanceof StartChatError ? error.message : TEXT.startFailed;
    ui.startButton.disabled = false;
    setStatus("error", message);
    showError(ui.startError, message);
    ui.nameInput.focus();
    return;
  }
  openChat(details);
}

function openChat(details) {
  ended = false;
  seen = new SeenItems();
  ui.messages.replaceChildren();
  ui.startForm.hidden = true;
  ui.chat.hidden = false;
  ui.endedPanel.hidden = true;
  setStatus("connecting", TEXT.connecting);
  try {
    session = createSession(config, details, {
      message: showItem,
      typing: showTyping,
      connected: () => {
        if (ended) return;
        setStatus("connected", TEXT.connected);
        setComposerEnabled(true);
        ui.messageInput.focus();
      },
      broken: () => {
        if (ended) return;
        setStatus("broken", TEXT.reconnecting);
        setComposerEnabled(false);
      },
      ended: chatEnded,
    });
  } catch {
    chatEnded("error", TEXT.connectFailed);
    return;
  }
  session
    .connect()
    .then((result) => {
      if (result && result.connectSuccess === false) throw new Error("connect failed");
      return loadEarlierMessages();
    })
    // No connection: the chat cannot go on; 새 상담 시작 offers a new one.
    .catch(() => chatEnded("error", TEXT.connectFailed));
}

async function onSend(event) {
  event.preventDefault();
  if (!session || ended) return;
  const message = ui.messageInput.value.trim();
  if (!message) {
    showError(ui.messageError, TEXT.messageRequired);
    return;
  }
  showError(ui.messageError, "");
  ui.sendButton.disabled = true;
  try {
    const response = await session.sendMessage({ contentType: CONTENT_TYPES.plain, message });
    ui.messageInput.value = "";
    const data = response && response.data;
    // Show it now; the websocket's copy (same Id) is then skipped.
    showItem({
      Id: data && data.Id,
      AbsoluteTime: data && data.AbsoluteTime,
      ContentType: CONTENT_TYPES.plain,
      Content: message,
      ParticipantRole: "CUSTOMER",
      Type: "MESSAGE",
    });
  } catch {
    showError(ui.messageError, TEXT.sendFailed);
  } finally {
    ui.sendButton.disabled = ended;
    ui.messageInput.focus();
  }
}

async function onEnd() {
  if (!session || ended) return;
  ui.endButton.disabled = true;
  try {
    await session.disconnectParticipant();
  } catch {
    // The chat may already be over on the server's side; the caller still sees it end.
  }
  chatEnded();
}

function onRestart() {
  session = null;
  ui.chat.hidden = true;
  ui.startForm.hidden = false;
  ui.startButton.disabled = false;
  setStatus("idle", TEXT.idle);
  ui.nameInput.focus();
}

ui.startForm.addEventListener("submit", onStart);
ui.messageForm.addEventListener("submit", onSend);
ui.messageInput.addEventListener("input", () => {
  showError(ui.messageError, "");
  notifyTyping();
});
ui.messageInput.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault(); // Enter sends; Shift+Enter and Hangul composition keep their meaning
    ui.messageForm.requestSubmit();
  }
});
ui.endButton.addEventListener("click", onEnd);
ui.restartButton.addEventListener("click", onRestart);
