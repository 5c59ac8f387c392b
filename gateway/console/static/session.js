// The signed-in credential, in this tab's sessionStorage only: closing the tab or signing out forgets it.

const KEY = "omnigate.console.session";

// A JWT is three base64url parts, the first a JSON header ("eyJ…"); anything else is taken as an API key.
export function kindOf(secret) {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(secret) ? "token" : "key";
}

export function load() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? "null");
    return saved && typeof saved.secret === "string" ? saved : null;
  } catch {
    return null;
  }
}

export function save(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clear() {
  sessionStorage.removeItem(KEY);
}

// The same credential, as HTTP headers and as graphql-ws's connection_init payload.
export function headers(session) {
  return session.kind === "token" ? { Authorization: `Bearer ${session.secret}` } : { "X-Api-Key": session.secret };
}
