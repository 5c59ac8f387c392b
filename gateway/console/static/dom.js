// Small DOM helpers: elements are built, never parsed from strings, so no value can inject markup.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "className") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

export function byId(id) {
  return document.getElementById(id);
}

export function show(element, visible) {
  element.hidden = !visible;
}

let announcer = null;

// Read out by screen readers at once (aria-live="assertive"): a request that just arrived.
export function announce(text) {
  announcer ??= byId("announcer");
  announcer.textContent = "";
  window.setTimeout(() => { announcer.textContent = text; }, 50);
}

export function money(value) {
  if (!value) return "–";
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: value.currencyCode }).format(Number(value.amount));
  } catch {
    return `${value.amount} ${value.currencyCode}`;
  }
}

// A date in the store's time zone; `withYear` for history, where the year matters.
export function when(iso, timeZone, withYear = false) {
  const options = withYear ? { day: "numeric", month: "short", year: "numeric" }
    : { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  }
}

// "1 h 05 min left" or "overdue by 20 min": what staff need to see at a glance.
export function timeLeft(iso, now = Date.now()) {
  const minutes = Math.round((new Date(iso).getTime() - now) / 60000);
  const span = Math.abs(minutes);
  const hours = Math.floor(span / 60);
  const text = hours >= 48 ? `${Math.floor(hours / 24)} d ${hours % 24} h`
    : hours >= 1 ? `${hours} h ${String(span % 60).padStart(2, "0")} min` : `${span} min`;
  return minutes < 0 ? { overdue: true, text: `overdue by ${text}` } : { overdue: false, text: `${text} left` };
}

// A key that stays the same for one intended write, so a retry after a lost answer is not a second write.
export function idempotencyKey(prefix) {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
