// The built page in a DOM (jsdom): start form → POST /chats → chat session → messages, typing,
// connection state and the end of the chat, with amazon-connect-chatjs's ChatSession replaced by
// a fake (chatjs keeps a `connect.ChatSession` that is already defined).
// Needs the built page: CHAT_PAGE_DIST (default ../dist). tests/web/test_chat_page_js.py builds it.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { JSDOM } from "jsdom";

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.CHAT_PAGE_DIST || join(here, "..", "dist");
const html = readFileSync(join(dist, "index.html"), "utf8");
const appJs = readFileSync(join(dist, "app.js"), "utf8");

const API = "https://abc.execute-api.ap-northeast-2.amazonaws.com/prod";
// Objects made inside the page belong to its realm: compare their JSON.
const plain = (value) => JSON.parse(JSON.stringify(value));
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

function fakeChatSession(log, { connects = true } = {}) {
  const handlers = {};
  const session = {
    // chatjs calls these with {data: <item>, chatDetails}.
    onMessage: (h) => (handlers.message = (data) => h({ data, chatDetails: {} })),
    onTyping: (h) => (handlers.typing = (data) => h({ data, chatDetails: {} })),
    onConnectionEstablished: (h) => (handlers.connected = h),
    onConnectionBroken: (h) => (handlers.broken = h),
    onEnded: (h) => (handlers.ended = h),
    connect: async () => {
      log.push(["connect"]);
      if (!connects) throw new Error("CreateParticipantConnection: AccessDeniedException");
      handlers.connected({});
      return { connectSuccess: true };
    },
    getTranscript: async (args) => {
      log.push(["getTranscript", args]);
      return {
        data: {
          Transcript: [
            { Id: "g1", AbsoluteTime: "2026-11-30T06:00:00.000Z", Type: "MESSAGE", ContentType: "text/plain", Content: "안녕하세요. 무엇을 도와드릴까요?", ParticipantRole: "SYSTEM", DisplayName: "BOT" },
          ],
        },
      };
    },
    sendMessage: async (args) => {
      log.push(["sendMessage", args]);
      return { data: { Id: "m1", AbsoluteTime: "2026-11-30T06:01:00.000Z" } };
    },
    sendEvent: async (args) => {
      log.push(["sendEvent", args]);
      return { data: {} };
    },
    disconnectParticipant: async () => {
      log.push(["disconnectParticipant"]);
      return { data: {} };
    },
  };
  return {
    handlers,
    ChatSession: {
      LogLevel: { WARN: 30 },
      setGlobalConfig: (config) => log.push(["setGlobalConfig", config]),
      create: (args) => {
        log.push(["create", args]);
        return session;
      },
    },
  };
}

function loadPage({ config, chats, url = "https://d111111abcdef8.cloudfront.net/", connects = true, referrer }) {
  const dom = new JSDOM(html, { url, referrer, runScripts: "outside-only", pretendToBeVisual: true });
  const { window } = dom;
  const log = [];
  const fake = fakeChatSession(log, { connects });
  window.connect = { ChatSession: fake.ChatSession };
  window.fetch = async (url, init = {}) => {
    log.push(["fetch", String(url), init]);
    if (String(url) === "config.json") return { ok: true, status: 200, json: async () => config };
    const [status, body] = chats;
    return { ok: status === 200, status, json: async () => body };
  };
  window.HTMLElement.prototype.scrollTo = () => {};
  window.eval(appJs);
  return { window, document: window.document, log, handlers: fake.handlers };
}

async function start(page, name = "홍길동") {
  page.document.getElementById("display-name").value = name;
  page.document.getElementById("start-form").requestSubmit();
  await settle();
}

const details = { participantToken: "pt", contactId: "c-1", participantId: "p-1", chatDurationMinutes: 60 };

test("a chat from the start form to the end", async () => {
  const page = loadPage({ config: { apiUrl: API, region: "ap-northeast-2" }, chats: [200, details] });
  const $ = (id) => page.document.getElementById(id);
  assert.equal($("connection-status").textContent, "상담을 시작하시려면 이름을 입력해 주세요.");
  assert.equal($("message-input").disabled, true);

  await start(page);
  const post = page.log.find(([kind, url]) => kind === "fetch" && url === `${API}/chats`);
  assert.deepEqual(JSON.parse(post[2].body), { displayName: "홍길동", attributes: { locale: "ko_KR", page: "/" } });
  const [, global] = page.log.find(([kind]) => kind === "setGlobalConfig");
  assert.equal(global.region, "ap-northeast-2");
  assert.equal("endpoint" in global, false); // Connect's own participant endpoint
  const [, created] = page.log.find(([kind]) => kind === "create");
  assert.deepEqual(plain(created.chatDetails), { contactId: "c-1", participantId: "p-1", participantToken: "pt" });
  assert.equal(created.type, "CUSTOMER");
  assert.equal(created.disableCSM, true);

  // Connected: the status says so, the composer is enabled and the greeting came from the transcript.
  assert.equal($("connection-status").dataset.state, "connected");
  assert.equal($("message-input").disabled, false);
  assert.equal($("start-form").hidden, true);
  const messages = () => [...$("messages").querySelectorAll("li")];
  assert.equal(messages().length, 1);
  assert.equal(messages()[0].querySelector(".who").textContent, "챗봇");
  assert.equal(messages()[0].querySelector("time").textContent.includes("3:00"), true);

  // The same greeting again over the websocket is not shown twice; an agent's message is.
  page.handlers.message({ Id: "g1", ContentType: "text/plain", Content: "안녕하세요. 무엇을 도와드릴까요?", ParticipantRole: "SYSTEM" });
  page.handlers.typing({ ParticipantRole: "AGENT", ContentType: "application/vnd.amazonaws.connect.event.typing" });
  assert.equal($("typing-indicator").hidden, false);
  assert.equal($("typing-indicator").textContent, "상담원이 입력 중입니다...");
  page.handlers.message({ Id: "a1", ContentType: "text/plain", Content: "상담원 김민지입니다.", ParticipantRole: "AGENT", DisplayName: "김민지" });
  assert.equal(messages().length, 2);
  assert.equal(messages()[1].dataset.speaker, "agent");
  assert.equal(messages()[1].querySelector(".who").textContent, "상담원 김민지");
  assert.equal($("typing-indicator").hidden, true);

  // Typing sends a typing event; Enter sends the message, which shows as the caller's.
  const input = $("message-input");
  input.value = "주문 조회하고 싶어요";
  input.dispatchEvent(new page.window.Event("input"));
  input.dispatchEvent(new page.window.KeyboardEvent("keydown", { key: "Enter" }));
  await settle();
  assert.deepEqual(plain(page.log.find(([kind]) => kind === "sendEvent")[1]), { contentType: "application/vnd.amazonaws.connect.event.typing" });
  assert.deepEqual(plain(page.log.find(([kind]) => kind === "sendMessage")[1]), { contentType: "text/plain", message: "주문 조회하고 싶어요" });
  assert.equal(input.value, "");
  assert.equal(messages().length, 3);
  assert.equal(messages()[2].dataset.speaker, "customer");
  assert.equal(messages()[2].querySelector(".who").textContent, "나");

  // A broken connection is announced; it comes back.
  page.handlers.broken({});
  assert.equal($("connection-status").textContent, "연결이 끊겼습니다. 다시 연결하는 중입니다...");
  assert.equal($("send-button").disabled, true);
  page.handlers.connected({});
  assert.equal($("send-button").disabled, false);

  // 상담 종료: the participant is disconnected and the end is clear.
  $("end-button").click();
  await settle();
  assert.ok(page.log.some(([kind]) => kind === "disconnectParticipant"));
  assert.equal($("connection-status").textContent, "상담이 종료되었습니다. 이용해 주셔서 감사합니다.");
  assert.equal($("ended-panel").hidden, false);
  assert.equal($("message-input").disabled, true);
  assert.equal($("end-button").disabled, true);
  assert.equal(page.document.activeElement, $("ended-message"));
});

test("the server ending the chat ends it on the page too", async () => {
  const page = loadPage({ config: { apiUrl: API, region: "ap-northeast-2" }, chats: [200, details] });
  await start(page);
  page.handlers.ended({});
  const $ = (id) => page.document.getElementById(id);
  assert.equal($("connection-status").dataset.state, "ended");
  assert.equal($("ended-panel").hidden, false);
  $("restart-button").click();
  assert.equal($("start-form").hidden, false);
  assert.equal($("chat").hidden, true);
});

test("the local participant endpoint from config.json goes to chatjs's global config", async () => {
  const config = { apiUrl: "http://127.0.0.1:8765", region: "ap-northeast-2", participantEndpoint: "http://127.0.0.1:8766" };
  const page = loadPage({ config, chats: [200, details] });
  await start(page);
  const [, global] = page.log.find(([kind]) => kind === "setGlobalConfig");
  assert.equal(global.endpoint, "http://127.0.0.1:8766");
  assert.equal(global.region, "ap-northeast-2");
  assert.equal(global.features.messageReceipts.shouldSendMessageReceipts, false);
});

test("the API's Korean error message is shown, and an empty name is refused", async () => {
  const message = "지금은 상담 가능 시간이 아닙니다. 평일 오전 9시부터 오후 6시까지 이용해 주세요.";
  const page = loadPage({ config: { apiUrl: API, region: "ap-northeast-2" }, chats: [403, { message, code: "Closed" }] });
  const $ = (id) => page.document.getElementById(id);
  await start(page, "   ");
  assert.equal($("start-error").textContent, "이름을 입력해 주세요.");
  assert.equal($("display-name").getAttribute("aria-invalid"), "true");
  assert.equal(page.log.some(([kind]) => kind === "fetch"), false);

  await start(page, "홍길동");
  assert.equal($("start-error").hidden, false);
  assert.equal($("start-error").textContent, message);
  assert.equal($("connection-status").textContent, message);
  assert.equal($("start-button").disabled, false);
  assert.equal($("chat").hidden, true);
});

test("a signed-in customer's token in the URL fragment goes with the start and leaves the address bar", async () => {
  const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjLTEifQ.c2lnbmF0dXJl";
  const page = loadPage({
    config: { apiUrl: API, region: "ap-northeast-2" },
    chats: [200, details],
    url: `https://d111111abcdef8.cloudfront.net/chat/#customerToken=${token}`,
  });
  assert.equal(page.window.location.hash, "");
  await start(page);
  const post = page.log.find(([kind, url]) => kind === "fetch" && url === `${API}/chats`);
  assert.deepEqual(JSON.parse(post[2].body), {
    displayName: "홍길동",
    attributes: { locale: "ko_KR", page: "/chat/" },
    customerToken: token,
  });
});

test("the agent sees where on the company's site the chat started", async () => {
  const sentPage = async (options) => {
    const page = loadPage({ config: { apiUrl: API, region: "ap-northeast-2" }, chats: [200, details], ...options });
    await start(page);
    const post = page.log.find(([kind, url]) => kind === "fetch" && url === `${API}/chats`);
    return JSON.parse(post[2].body).attributes;
  };
  const site = "https://www.example.co.kr/orders/123?tab=1";
  // The embedding site's ?page= first, then the referrer's path, then the page's own path.
  assert.deepEqual(
    await sentPage({ url: "https://d111111abcdef8.cloudfront.net/?page=%2Fcart%2F7", referrer: site }),
    { locale: "ko_KR", page: "/cart/7" },
  );
  assert.deepEqual(await sentPage({ referrer: site }), { locale: "ko_KR", page: "/orders/123" });
  assert.deepEqual(
    await sentPage({ url: "https://d111111abcdef8.cloudfront.net/chat/?page=%0Abad", referrer: "https://www.example.co.kr/" }),
    { locale: "ko_KR", page: "/chat/" },
  );
});

test("a chat that cannot connect says so and offers a new one", async () => {
  const page = loadPage({ config: { apiUrl: API, region: "ap-northeast-2" }, chats: [200, details], connects: false });
  const $ = (id) => page.document.getElementById(id);
  await start(page);
  assert.equal($("connection-status").dataset.state, "error");
  assert.equal($("connection-status").textContent, "상담 서버에 연결하지 못했습니다. 잠시 후 다시 시도해 주세요.");
  assert.equal($("ended-message").textContent, "상담 서버에 연결하지 못했습니다. 잠시 후 다시 시도해 주세요.");
  assert.equal($("ended-panel").hidden, false);
  assert.equal($("message-input").disabled, true);
  $("restart-button").click();
  assert.equal($("start-form").hidden, false);
  assert.equal($("start-button").disabled, false);
});
