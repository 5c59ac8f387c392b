// Customer look-up: a kiosk by the scanned loyalty card (no contact data), staff also by email, phone or name.
// Shows loyalty, purchases from every channel and, for staff, the notes, with a form to add one.

import { ApiError, graphql, userErrorText } from "./api.js";
import { h, idempotencyKey, money, when } from "./dom.js";
import { field, panel } from "./panel.js";

const PURCHASES = `purchaseHistory(first: 5) { totalCount unavailableSources edges { node {
  __typename id channel occurredAt total { amount currencyCode } store { name } lines { name quantity }
  ... on Order { orderNumber status } ... on StoreReceipt { receiptNumber } } } }`;
const NOTE = "id text topics channel createdAt store { name }";
const KIOSK_FIELDS = `id firstName lastName loyalty { cardNumber tier points } ${PURCHASES}`;
const STAFF_FIELDS = `${KIOSK_FIELDS} email phone preferences { interests } notes(first: 10) { ${NOTE} }`;
const KIOSK_FIND = `query ConsoleCard($q: String!) { byCard: customerByLoyaltyCard(cardNumber: $q) { ${KIOSK_FIELDS} } }`;
const STAFF_FIND = `query ConsoleFind($q: String!) {
  byCard: customerByLoyaltyCard(cardNumber: $q) { ${STAFF_FIELDS} }
  matches: searchCustomers(query: $q, first: 10) { id firstName lastName loyalty { cardNumber } } }`;
const STAFF_ONE = `query ConsoleCustomer($id: ID!) { customer(id: $id) { ${STAFF_FIELDS} } }`;
const ADD_NOTE = `mutation ConsoleNote($input: CustomerNoteInput!) {
  addCustomerNote(input: $input) { note { ${NOTE} } userErrors { field code message } } }`;

export function mountCustomers(root, context) {
  const staff = context.role === "staff";
  const view = panel(root, "customer", "Customer");
  const input = field("customer-input", staff ? "Loyalty card, email, phone or name" : "Loyalty card number", { required: true });
  const form = h("form", { className: "inline", novalidate: true, onsubmit: (e) => { e.preventDefault(); find(input[1].value.trim()); } },
    ...input, h("button", { type: "submit" }, "Find"));
  const result = h("div", { id: "customer-result" });
  view.body.append(form, result);
  const hint = staff ? "Scan a loyalty card, or type an email, a phone number or a name." : "Scan the customer's loyalty card.";
  view.notice(hint);

  async function find(query) {
    result.replaceChildren();
    context.customer = null;
    if (!query) return view.notice(hint, "error");
    view.notice("Looking up…");
    try {
      const { data, warnings } = await graphql(context.session, staff ? STAFF_FIND : KIOSK_FIND, { q: query });
      const matches = (data.matches ?? []).filter((m) => m.id !== data.byCard?.id);
      if (data.byCard) return present(data.byCard, warnings);
      if (matches.length === 1) return open(matches[0].id);
      if (!matches.length) return view.notice(`No customer found for ${query}.`, warnings.length ? "warning" : "error");
      view.notice(`${matches.length} customers match: choose one.`);
      result.replaceChildren(h("ul", { className: "choices" }, matches.map((m) => h("li", {},
        h("button", { type: "button", onclick: () => open(m.id) }, `${m.firstName} ${m.lastName ?? ""}`,
          m.loyalty ? ` · card ${m.loyalty.cardNumber}` : "")))));
    } catch (error) {
      failed(error);
    }
  }

  async function open(id) {
    try {
      const { data, warnings } = await graphql(context.session, STAFF_ONE, { id });
      if (!data.customer) return view.notice("This customer is no longer known.", "error");
      present(data.customer, warnings);
    } catch (error) {
      failed(error);
    }
  }

  function failed(error) {
    if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return context.signOut(error.message);
    view.notice(error.message, "error");
  }

  function present(customer, warnings) {
    context.customer = customer;
    const history = customer.purchaseHistory;
    const missing = history?.unavailableSources?.length ? `Missing: purchases from ${history.unavailableSources.join(", ")} (not answering).` : "";
    view.notice([...warnings, missing].filter(Boolean).join(" "), warnings.length || missing ? "warning" : "");
    const heading = h("h3", { tabindex: "-1" }, `${customer.firstName} ${customer.lastName ?? ""}`);
    result.replaceChildren(h("article", { className: "customer", "aria-labelledby": "customer-name" },
      heading,
      h("p", {}, customer.loyalty ? `Card ${customer.loyalty.cardNumber} · ${customer.loyalty.tier.toLowerCase()} · ${customer.loyalty.points} points` : "No loyalty card"),
      staff ? h("p", {}, [customer.email, customer.phone].filter(Boolean).join(" · ") || "No contact data") : null,
      staff && customer.preferences?.interests?.length ? h("p", {}, `Interests: ${customer.preferences.interests.join(", ")}`) : null,
      purchases(history),
      staff ? notes(customer) : null));
    heading.id = "customer-name";
    heading.focus();
  }

  function purchases(history) {
    if (!history) return h("p", {}, "Purchases are not available right now.");
    const rows = history.edges.map(({ node }) => h("tr", {},
      h("td", {}, when(node.occurredAt, context.store.timezone, true)), h("td", {}, node.channel.toLowerCase().replace("_", " ")),
      h("td", {}, node.store?.name ?? "online"),
      h("td", {}, node.lines.map((line) => `${line.quantity} × ${line.name}`).join(", ")),
      h("td", { className: "number" }, money(node.total))));
    return h("table", { className: "purchases" },
      h("caption", {}, `Purchases, every channel (${history.totalCount}; the latest ${rows.length})`),
      h("thead", {}, h("tr", {}, ["When", "Channel", "Where", "What", "Total"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: "5" }, "No purchase yet."))));
  }

  function notes(customer) {
    const list = h("ul", { className: "notes" }, (customer.notes ?? []).map(noteItem));
    const empty = h("p", {}, customer.notes?.length ? "" : "No note yet.");
    const alert = h("p", { className: "error", role: "alert" });
    const text = h("textarea", { id: "note-text", name: "note-text", rows: "3", maxlength: "2000", required: true });
    const topics = field("note-topics", "Topics, separated by commas (optional)");
    let key = idempotencyKey("console-note");
    text.addEventListener("input", () => { key = idempotencyKey("console-note"); });
    const form = h("form", { className: "stacked", novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      alert.textContent = "";
      if (!text.value.trim()) return (alert.textContent = "Write the note first.");
      const input = { idempotencyKey: key, customerId: customer.id, text: text.value.trim(),
        topics: topics[1].value.split(",").map((t) => t.trim()).filter(Boolean) };
      try {
        const { data } = await graphql(context.session, ADD_NOTE, { input });
        const problem = userErrorText(data.addCustomerNote);
        if (problem) return (alert.textContent = problem);
        list.prepend(noteItem(data.addCustomerNote.note));
        empty.textContent = "";
        text.value = "";
        topics[1].value = "";
        key = idempotencyKey("console-note");
        alert.textContent = "Note added.";
      } catch (error) {
        if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return context.signOut(error.message);
        alert.textContent = error.message;
      }
    } }, h("label", { for: "note-text" }, "New note"), text, ...topics, h("button", { type: "submit" }, "Add note"), alert);
    return h("section", { className: "notes-block", "aria-label": "Notes" }, h("h4", {}, "Notes"), empty, list, form);
  }

  function noteItem(note) {
    return h("li", {}, h("p", {}, note.text),
      h("p", { className: "help" }, [when(note.createdAt, context.store.timezone), note.store?.name ?? "customer service",
        note.topics.length ? note.topics.join(", ") : null].filter(Boolean).join(" · ")));
  }

  return { refresh: () => {}, dispose: () => { context.customer = null; } };
}
