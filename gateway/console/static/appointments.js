// Appointment requests of the store, live: the time left to answer, overdue first; staff confirm or decline.
// The list starts from the overdue ones (the schema's list of unanswered requests) and grows with each request
// made or changed while the console is open; after a connection gap it is read again.

import { ApiError, graphql, userErrorText } from "./api.js";
import { announce, h, timeLeft, when } from "./dom.js";
import { panel } from "./panel.js";

const FIELDS = "id topic requestedFor status respondBy channel product { sku name }";
const PENDING = `query ConsolePending($store: ID!) { pendingAppointments(storeId: $store) { ${FIELDS} } }`;
const EVENTS = `subscription ConsoleRequests($store: ID!) {
  appointmentRequests(storeId: $store) { kind occurredAt appointment { ${FIELDS} } } }`;
const RESPOND = `mutation ConsoleRespond($id: ID!, $accept: Boolean!) {
  respondToAppointment(id: $id, accept: $accept) { appointment { ${FIELDS} } userErrors { code message } } }`;
const STATUS_TEXT = { CONFIRMED: "Confirmed", DECLINED: "Declined", DONE: "Done", CANCELLED: "Cancelled by the customer" };
const TICK_MS = 15000;

export function mountAppointments(root, context) {
  const takes = context.store.services.includes("APPOINTMENTS");
  const view = panel(root, "appointments", "Appointment requests",
    !takes ? "This store does not take appointments." : context.role === "staff" ? null : "Staff answer requests; this kiosk shows them.");
  const waiting = h("ul", { className: "cards", id: "appointment-list", "aria-label": "Requests waiting for an answer" });
  const answered = h("ul", { className: "cards answered", id: "answered-list", "aria-label": "Answered here" });
  const answeredTitle = h("h3", { className: "sub", hidden: true }, "Answered while this console was open");
  view.body.append(waiting, answeredTitle, answered);
  const items = new Map(); // id -> { appointment, element, due }

  function upsert(appointment, arriving) {
    const known = items.get(appointment.id);
    if (appointment.status !== "REQUESTED") {
      if (known || arriving) markAnswered(appointment);
      return;
    }
    if (known) {
      const element = card(appointment);
      known.element.replaceWith(element);
      Object.assign(known, { appointment, element });
      return;
    }
    const element = card(appointment);
    items.set(appointment.id, { appointment, element });
    const after = [...items.values()].map((item) => item.appointment)
      .filter((other) => other.id !== appointment.id && other.respondBy > appointment.respondBy)
      .sort((a, b) => a.respondBy.localeCompare(b.respondBy))[0];
    waiting.insertBefore(element, after ? items.get(after.id).element : null);
    if (arriving) {
      element.classList.add("arrived");
      announce(`New appointment request: ${appointment.topic}, for ${when(appointment.requestedFor, context.store.timezone)}.`);
    }
    emptyState();
  }

  function markAnswered(appointment) {
    const known = items.get(appointment.id);
    items.delete(appointment.id);
    known?.element.remove();
    answered.prepend(h("li", { className: "card done", "data-id": appointment.id },
      h("h3", {}, appointment.topic), h("p", {}, when(appointment.requestedFor, context.store.timezone)),
      h("p", { className: "status" }, STATUS_TEXT[appointment.status] ?? appointment.status)));
    while (answered.children.length > 10) answered.lastElementChild.remove();
    answeredTitle.hidden = false;
    emptyState();
  }

  function card(appointment) {
    const due = timeLeft(appointment.respondBy);
    const alert = h("p", { className: "error", role: "alert" });
    const buttons = context.role === "staff" ? h("div", { className: "actions" },
      h("button", { type: "button", className: "primary", onclick: (e) => respond(appointment, true, e.target, alert) },
        "Confirm", h("span", { className: "visually-hidden" }, `: ${appointment.topic}`)),
      h("button", { type: "button", onclick: (e) => respond(appointment, false, e.target, alert) },
        "Decline", h("span", { className: "visually-hidden" }, `: ${appointment.topic}`))) : null;
    return h("li", { className: `card request${due.overdue ? " overdue" : ""}`, "data-id": appointment.id },
      h("h3", {}, appointment.topic),
      h("p", {}, `For ${when(appointment.requestedFor, context.store.timezone)} · asked on ${label(appointment.channel)}`),
      appointment.product ? h("p", {}, `${appointment.product.name} (${appointment.product.sku})`) : null,
      h("p", { className: "due", "data-respond-by": appointment.respondBy }, `Answer by ${when(appointment.respondBy, context.store.timezone)}: ${due.text}`),
      buttons, alert);
  }

  async function respond(appointment, accept, button, alert) {
    const buttons = button.parentElement.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    alert.textContent = accept ? "Confirming…" : "Declining…";
    try {
      const { data } = await graphql(context.session, RESPOND, { id: appointment.id, accept });
      const problem = userErrorText(data.respondToAppointment);
      if (problem) throw new ApiError("USER", problem);
      const next = nextFocus(appointment.id);
      markAnswered(data.respondToAppointment.appointment);
      next.focus();
    } catch (error) {
      if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return context.signOut(error.message);
      alert.textContent = error.message;
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  // Keyboard users stay in the list: the next request's first button, or the heading when none is left.
  function nextFocus(id) {
    const element = items.get(id)?.element;
    const sibling = element?.nextElementSibling ?? element?.previousElementSibling;
    return sibling?.querySelector("button") ?? focusable(view.section.querySelector("h2"));
  }

  function emptyState() {
    if (items.size === 0) view.notice("No request is waiting for an answer.");
    else view.notice(`${items.size} waiting for an answer.`);
  }

  async function refresh() {
    try {
      const { data, warnings } = await graphql(context.session, PENDING, { store: context.store.id });
      data.pendingAppointments.forEach((appointment) => upsert(appointment, false));
      emptyState();
      if (warnings.length) view.notice(warnings.join(" "), "warning");
    } catch (error) {
      if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return context.signOut(error.message);
      view.notice(error.message, "error");
    }
  }

  const tick = window.setInterval(() => {
    for (const item of items.values()) {
      const due = timeLeft(item.appointment.respondBy);
      item.element.classList.toggle("overdue", due.overdue);
      item.element.querySelector(".due").textContent = `Answer by ${when(item.appointment.respondBy, context.store.timezone)}: ${due.text}`;
    }
  }, TICK_MS);
  const unsubscribe = context.live.subscribe(EVENTS, { store: context.store.id }, {
    next: (data) => upsert(data.appointmentRequests.appointment, true),
    error: (text) => view.notice(`Not live: ${text}`, "error"),
  });
  refresh();
  return { refresh, dispose: () => { window.clearInterval(tick); unsubscribe(); } };
}

function label(channel) {
  return channel.toLowerCase().replace("_", " ");
}

function focusable(element) {
  element.setAttribute("tabindex", "-1");
  return element;
}
