// Reserve & collect holds to prepare at this store, soonest to lapse first; collected at the till by a button.
// Live for staff (reservationEvents); a sign-in the schema does not let subscribe reads the list every minute.

import { ApiError, graphql, userErrorText } from "./api.js";
import { h, timeLeft, when } from "./dom.js";
import { panel } from "./panel.js";

const FIELDS = "id quantity status expiresAt product { sku name } store { id }";
const ACTIVE = `query ConsoleHolds($store: ID!) {
  store(id: $store) { reservations(status: ACTIVE, first: 50) { edges { node { ${FIELDS} } } } } }`;
const EVENTS = `subscription ConsoleHoldEvents($store: ID!) {
  reservationEvents(storeId: $store) { kind occurredAt reservation { ${FIELDS} } } }`;
const COLLECT = `mutation ConsoleCollect($id: ID!) {
  collectReservation(id: $id) { reservation { ${FIELDS} } userErrors { code message } } }`;
const POLL_MS = 60000;

export function mountReservations(root, context) {
  const view = panel(root, "reservations", "Reservations to prepare");
  const list = h("ul", { className: "cards", id: "reservation-list", "aria-label": "Holds to prepare" });
  const refreshButton = h("button", { type: "button", onclick: () => refresh() }, "Refresh");
  view.body.append(list, h("div", { className: "actions" }, refreshButton));
  let holds = [];
  let polling = null;

  function render() {
    const focused = document.activeElement?.closest?.("li")?.dataset.id;
    list.replaceChildren(...holds.map(card));
    if (focused) list.querySelector(`li[data-id="${CSS.escape(focused)}"] button`)?.focus();
    view.notice(holds.length ? `${holds.length} to prepare.` : "Nothing to prepare: no active hold at this store.");
  }

  function card(hold) {
    const alert = h("p", { className: "error", role: "alert" });
    const left = timeLeft(hold.expiresAt);
    return h("li", { className: "card", "data-id": hold.id },
      h("h3", {}, `${hold.quantity} × ${hold.product.name}`),
      h("p", {}, `Article ${hold.product.sku} · held until ${when(hold.expiresAt, context.store.timezone)} (${left.overdue ? "lapsing" : left.text})`),
      h("div", { className: "actions" }, h("button", { type: "button", className: "primary", onclick: (e) => collect(hold, e.target, alert) },
        "Collected at the till", h("span", { className: "visually-hidden" }, `: ${hold.product.name}`))),
      alert);
  }

  async function collect(hold, button, alert) {
    button.disabled = true;
    alert.textContent = "Recording the sale…";
    try {
      const { data } = await graphql(context.session, COLLECT, { id: hold.id });
      const problem = userErrorText(data.collectReservation);
      if (problem) throw new ApiError("USER", problem);
      const index = holds.findIndex((other) => other.id === hold.id);
      holds = holds.filter((other) => other.id !== hold.id);
      render();
      (list.children[Math.min(index, list.children.length - 1)]?.querySelector("button") ?? refreshButton).focus();
    } catch (error) {
      if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return context.signOut(error.message);
      alert.textContent = error.message;
      button.disabled = false;
    }
  }

  function apply(reservation) {
    holds = holds.filter((other) => other.id !== reservation.id);
    if (reservation.status === "ACTIVE") holds.push(reservation);
    holds.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
    render();
  }

  async function refresh() {
    try {
      const { data, warnings } = await graphql(context.session, ACTIVE, { store: context.store.id });
      holds = (data.store?.reservations?.edges ?? []).map((edge) => edge.node)
        .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
      render();
      if (warnings.length) view.notice(warnings.join(" "), "warning");
    } catch (error) {
      if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return context.signOut(error.message);
      view.notice(error.message, "error");
    }
  }

  const unsubscribe = context.live.subscribe(EVENTS, { store: context.store.id }, {
    next: (data) => apply(data.reservationEvents.reservation),
    error: () => { polling ??= window.setInterval(refresh, POLL_MS); },
  });
  refresh();
  return { refresh, dispose: () => { unsubscribe(); if (polling) window.clearInterval(polling); } };
}
