// Typing events: the caller's (sent at most every few seconds) and the other side's indicator.

/** How often at most the page tells the other side the caller is typing. */
export const TYPING_EVENT_INTERVAL_MS = 5000;
/** How long "상담원이 입력 중입니다..." stays without a new typing event. */
export const TYPING_INDICATOR_MS = 6000;

/** Calls `send` at most once per interval: typing events while the caller keeps typing. */
export function typingNotifier(send, now = () => Date.now(), interval = TYPING_EVENT_INTERVAL_MS) {
  let last = -Infinity;
  return () => {
    const time = now();
    if (time - last < interval) return false;
    last = time;
    send();
    return true;
  };
}
