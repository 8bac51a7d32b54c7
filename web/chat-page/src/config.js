// The page's settings come from config.json next to index.html: written at deploy with the
// environment's API URL (CloudFront), or by the local chat server. Nothing is built in.

/** Read and check config.json; throws Error when it is missing or malformed. */
export async function loadConfig(fetchImpl = globalThis.fetch, url = "config.json") {
  const response = await fetchImpl(url, { cache: "no-store" });
  if (!response.ok) {
    throw new Error(`config.json: HTTP ${response.status}`);
  }
  return parseConfig(await response.json());
}

/** The checked settings: {apiUrl, region, participantEndpoint|null}. */
export function parseConfig(raw) {
  if (raw === null || typeof raw !== "object") {
    throw new Error("config.json is not an object");
  }
  const apiUrl = requireUrl(raw.apiUrl, "apiUrl");
  if (typeof raw.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(raw.region)) {
    throw new Error("config.json: region must be an AWS region name");
  }
  const endpoint = raw.participantEndpoint;
  const participantEndpoint =
    endpoint === undefined || endpoint === null || endpoint === ""
      ? null
      : requireUrl(endpoint, "participantEndpoint");
  return { apiUrl: apiUrl.replace(/\/+$/, ""), region: raw.region, participantEndpoint };
}

function requireUrl(value, name) {
  if (typeof value !== "string") {
    throw new Error(`config.json: ${name} must be a URL`);
  }
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`config.json: ${name} must be a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`config.json: ${name} must be an http(s) URL`);
  }
  return value;
}

/**
 * A signed-in customer's token, handed over by the company's site in the page's URL fragment
 * (`#customerToken=<JWT>`: a fragment never reaches a server or its logs); null when absent.
 */
export function customerTokenFrom(hash) {
  const value = new URLSearchParams(String(hash || "").replace(/^#/, "")).get("customerToken");
  return value && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value) ? value : null;
}

/** The API's limit on the `page` attribute (lambda_src/webchat/request.py MAX_PAGE_CHARS). */
export const MAX_PAGE_CHARS = 256;

/**
 * The API's rule for `page` (Python's str.isprintable): 1 to 256 characters, none a control,
 * format, unassigned or separator character except the ASCII space.
 */
export function isValidPage(value) {
  return (
    typeof value === "string" &&
    value.length > 0 &&
    [...value].length <= MAX_PAGE_CHARS &&
    /^(?:[^\p{C}\p{Z}]| )+$/u.test(value)
  );
}

/**
 * Where on the company's site the chat started, for the agent (the `page` attribute):
 * 1. `?page=/orders/123`, set by the embedding site in the page's URL, when the API would accept it;
 * 2. else the path of `document.referrer` when it is another site's http(s) page and the referrer
 *    policy let its path through (a policy that trims the referrer to the origin leaves only "/",
 *    which says nothing, so it is not used);
 * 3. else this page's own path. Null when not even that is acceptable (the attribute is then left out).
 */
export function startingPage({ search, referrer, origin, pathname }) {
  const asked = new URLSearchParams(String(search || "")).get("page");
  if (isValidPage(asked)) return asked;
  if (referrer) {
    try {
      const from = new URL(referrer);
      const web = from.protocol === "https:" || from.protocol === "http:";
      if (web && from.origin !== origin && from.pathname !== "/" && isValidPage(from.pathname)) {
        return from.pathname;
      }
    } catch {
      // not a URL: fall through to the page's own path
    }
  }
  return isValidPage(pathname) ? pathname : null;
}
