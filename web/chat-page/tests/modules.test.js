// The page's pure modules: config.json checks, the start-chat call, chat items, typing events.
// Run: node --test web/chat-page/tests/   (tests/web/test_chat_page_js.py runs it under pytest)

import assert from "node:assert/strict";
import { test } from "node:test";

import { startChat, StartChatError } from "../src/api.js";
import { MAX_PAGE_CHARS, customerTokenFrom, isValidPage, parseConfig, startingPage } from "../src/config.js";
import { TEXT } from "../src/text.js";
import { CONTENT_TYPES, SeenItems, interactiveText, koreaTime, speakerLabel, toEntry } from "../src/transcript.js";
import { typingNotifier } from "../src/typing.js";

const API = "https://abc.execute-api.ap-northeast-2.amazonaws.com/prod";

function response(status, body) {
  return { ok: status >= 200 && status < 300, status, json: async () => body };
}

test("config.json: apiUrl and region are required; participantEndpoint is optional", () => {
  assert.deepEqual(parseConfig({ apiUrl: `${API}/`, region: "ap-northeast-2" }), {
    apiUrl: API,
    region: "ap-northeast-2",
    participantEndpoint: null,
  });
  const local = parseConfig({
    apiUrl: "http://127.0.0.1:8765",
    region: "ap-northeast-2",
    participantEndpoint: "http://127.0.0.1:8766",
  });
  assert.equal(local.participantEndpoint, "http://127.0.0.1:8766");
  assert.throws(() => parseConfig({ region: "ap-northeast-2" }), /apiUrl/);
  assert.throws(() => parseConfig({ apiUrl: "javascript:alert(1)", region: "ap-northeast-2" }), /apiUrl/);
  assert.throws(() => parseConfig({ apiUrl: API, region: "Seoul" }), /region/);
  assert.throws(() => parseConfig({ apiUrl: API, region: "ap-northeast-2", participantEndpoint: "nope" }), /participantEndpoint/);
  assert.throws(() => parseConfig(null), /object/);
});

test("startChat posts the display name and the ko_KR attributes to {apiUrl}/chats", async () => {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    return response(200, {
      participantToken: "token",
      contactId: "contact",
      participantId: "participant",
      chatDurationMinutes: 60,
    });
  };
  const details = await startChat(API, { displayName: "홍길동", page: "/chat/" }, fetchImpl);
  assert.deepEqual(details, {
    contactId: "contact",
    participantId: "participant",
    participantToken: "token",
    chatDurationMinutes: 60,
  });
  assert.equal(calls[0].url, `${API}/chats`);
  assert.equal(calls[0].init.method, "POST");
  assert.equal(calls[0].init.headers["Content-Type"], "application/json");
  assert.deepEqual(JSON.parse(calls[0].init.body), {
    displayName: "홍길동",
    attributes: { locale: "ko_KR", page: "/chat/" },
  });
});

test("a signed-in customer's token from the URL fragment is sent with the start", async () => {
  const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjLTEifQ.c2lnbmF0dXJl";
  assert.equal(customerTokenFrom(`#customerToken=${token}`), token);
  assert.equal(customerTokenFrom(`#foo=1&customerToken=${token}`), token);
  assert.equal(customerTokenFrom(""), null);
  assert.equal(customerTokenFrom("#customerToken=not a jwt"), null);
  let sent;
  const fetchImpl = async (url, init) => {
    sent = JSON.parse(init.body);
    return response(200, { participantToken: "t", contactId: "c", participantId: "p", chatDurationMinutes: 60 });
  };
  await startChat(API, { displayName: "홍길동", page: "/", customerToken: token }, fetchImpl);
  assert.equal(sent.customerToken, token);
  await startChat(API, { displayName: "홍길동", page: "/" }, fetchImpl);
  assert.equal("customerToken" in sent, false);
});

test("the starting page: ?page= first, then another site's referrer path, then the page's own path", () => {
  const own = { origin: "https://d111111abcdef8.cloudfront.net", pathname: "/chat/" };
  const from = (search, referrer = "") => startingPage({ ...own, search, referrer });
  assert.equal(from("?page=%2Forders%2F123", "https://www.example.co.kr/cart"), "/orders/123");
  assert.equal(from("", "https://www.example.co.kr/cart/7?x=1#y"), "/cart/7");
  assert.equal(from("", "https://www.example.co.kr/"), "/chat/"); // trimmed to the origin: says nothing
  assert.equal(from("", "https://d111111abcdef8.cloudfront.net/chat/old"), "/chat/"); // the page itself
  assert.equal(from("", "javascript:alert(1)"), "/chat/");
  assert.equal(from("", "not a url"), "/chat/");
  // A ?page= the API would refuse (webchat/request.py) is not sent: the next source is used.
  for (const bad of ["", "%0A", "a%00b", "%E2%80%8B", "x".repeat(MAX_PAGE_CHARS + 1)]) {
    assert.equal(from(`?page=${bad}`, "https://www.example.co.kr/faq"), "/faq");
  }
  assert.equal(from(`?page=${"가".repeat(MAX_PAGE_CHARS)}`), "가".repeat(MAX_PAGE_CHARS));
  assert.equal(startingPage({ search: "", referrer: "", origin: own.origin, pathname: "/" + "x".repeat(MAX_PAGE_CHARS) }), null);
});

test("page: the same rule as the API's (printable, 1-256 characters)", () => {
  for (const good of ["/", "/주문 내역", "/a?b=c", "😀".repeat(MAX_PAGE_CHARS)]) assert.equal(isValidPage(good), true, good);
  for (const bad of [null, 5, "", "\t", "a\u200bb", "a\u00a0b", "\u2028", "x".repeat(MAX_PAGE_CHARS + 1)]) {
    assert.equal(isValidPage(bad), false, String(bad));
  }
});

test("startChat leaves page out when there is none", async () => {
  let sent = null;
  const fetchImpl = async (url, init) => {
    sent = JSON.parse(init.body);
    return response(200, { participantToken: "t", contactId: "c", participantId: "p", chatDurationMinutes: 60 });
  };
  await startChat(API, { displayName: "홍길동", page: null }, fetchImpl);
  assert.deepEqual(sent.attributes, { locale: "ko_KR" });
});

test("startChat shows the API's Korean message and code on an error", async () => {
  const message = "지금은 상담 요청이 많습니다. 잠시 후 다시 시도해 주세요.";
  const fetchImpl = async () => response(429, { message, code: "RateLimited" });
  await assert.rejects(startChat(API, { displayName: "홍길동", page: "/" }, fetchImpl), (error) => {
    assert.ok(error instanceof StartChatError);
    assert.equal(error.message, message);
    assert.equal(error.code, "RateLimited");
    return true;
  });
});

test("startChat falls back to its own Korean sentence without a usable answer", async () => {
  const cases = [
    async () => {
      throw new TypeError("Failed to fetch");
    },
    async () => response(502, null),
    async () => response(500, { message: "   " }),
    async () => response(200, { contactId: "only" }),
  ];
  for (const fetchImpl of cases) {
    await assert.rejects(startChat(API, { displayName: "홍길동", page: "/" }, fetchImpl), (error) => error.message === TEXT.startFailed);
  }
});

test("chat items: the caller, the bot and an agent are told apart, in Korea time", () => {
  const at = "2026-11-30T06:05:00.000Z"; // 15:05 in Seoul
  const bot = toEntry({ Id: "1", AbsoluteTime: at, ContentType: "text/plain", Content: "안녕하세요.", ParticipantRole: "SYSTEM", DisplayName: "BOT" });
  assert.deepEqual(bot, { id: "1", time: koreaTime(at), speaker: "bot", kind: "message", label: "챗봇", text: "안녕하세요." });
  assert.match(koreaTime(at), /3:05/);
  assert.match(koreaTime(at), /오후/);
  const agent = toEntry({ Id: "2", AbsoluteTime: at, ContentType: "text/plain", Content: "상담원 김민지입니다.", ParticipantRole: "AGENT", DisplayName: "김민지" });
  assert.equal(agent.speaker, "agent");
  assert.equal(agent.label, "상담원 김민지");
  const customer = toEntry({ Id: "3", AbsoluteTime: at, ContentType: "text/plain", Content: "주문 조회요", ParticipantRole: "CUSTOMER" });
  assert.equal(customer.label, "나");
  assert.equal(speakerLabel({ ParticipantRole: "CUSTOM_BOT" }), "챗봇");
});

test("chat items: an agent joining or leaving is a notice; typing, receipts and the end are not shown", () => {
  const joined = toEntry({ ContentType: CONTENT_TYPES.joined, ParticipantRole: "AGENT", DisplayName: "김민지" });
  assert.equal(joined.kind, "notice");
  assert.equal(joined.text, "김민지 상담원이 연결되었습니다.");
  assert.equal(toEntry({ ContentType: CONTENT_TYPES.left, ParticipantRole: "AGENT", DisplayName: "김민지" }).text, "김민지 상담원이 대화를 떠났습니다.");
  assert.equal(toEntry({ ContentType: CONTENT_TYPES.joined, ParticipantRole: "CUSTOMER" }), null);
  for (const contentType of [CONTENT_TYPES.typing, CONTENT_TYPES.ended, "application/vnd.amazonaws.connect.event.message.read"]) {
    assert.equal(toEntry({ ContentType: contentType, ParticipantRole: "AGENT" }), null);
  }
  assert.equal(toEntry({ ContentType: "text/plain", Content: "  ", ParticipantRole: "AGENT" }), null);
  assert.equal(toEntry(null), null);
});

test("interactive messages show their title and choices as text", () => {
  const content = JSON.stringify({
    templateType: "ListPicker",
    data: { content: { title: "어떤 도움이 필요하신가요?", elements: [{ title: "주문 조회" }, { title: "환불" }] } },
  });
  assert.equal(interactiveText(content), "어떤 도움이 필요하신가요?\n- 주문 조회\n- 환불");
  assert.equal(interactiveText("not json"), "");
  assert.equal(toEntry({ ContentType: CONTENT_TYPES.interactive, Content: content, ParticipantRole: "SYSTEM" }).label, "챗봇");
});

test("an item seen on the websocket and again in the transcript is shown once", () => {
  const seen = new SeenItems();
  assert.equal(seen.isNew({ Id: "a" }), true);
  assert.equal(seen.isNew({ Id: "a" }), false);
  assert.equal(seen.isNew({ Id: "b" }), true);
  assert.equal(seen.isNew({}), true);
});

test("typing events go out at most once per interval", () => {
  let now = 0;
  let sent = 0;
  const notify = typingNotifier(() => sent++, () => now, 5000);
  assert.equal(notify(), true);
  now = 4999;
  assert.equal(notify(), false);
  now = 5000;
  assert.equal(notify(), true);
  assert.equal(sent, 2);
});

test("every caller-facing sentence is polite Korean", () => {
  const sentences = Object.values(TEXT).map((value) => (typeof value === "function" ? value("김민지") : value));
  const endings = sentences.filter((text) => /[.]$/.test(text) && !text.endsWith("..."));
  assert.ok(endings.length >= 8);
  for (const text of endings) {
    assert.match(text, /(니다|세요|습니다)\.$/, text);
  }
  assert.equal(TEXT.connecting, "연결 중...");
  assert.equal(TEXT.agentTyping, "상담원이 입력 중입니다...");
  assert.match(TEXT.ended, /^상담이 종료되었습니다\./);
});
