// The barcode box: a scanned GTIN or a typed sku gives the price, the stock here and in the nearest stores
// (live while shown), and a form to hold units for a customer (by their loyalty card) or a walk-in.

import { ApiError, graphql, userErrorText } from "./api.js";
import { h, idempotencyKey, money, when } from "./dom.js";
import { field, panel } from "./panel.js";

const PRODUCT = `sku gtin name brand price { amount { amount currencyCode } compareAt { amount currencyCode } }
  here: availabilityInStore(storeId: $store) { quantity status }
  nearby: nearestAvailability(near: $near, first: 6, radiusKm: 50) { quantity status distanceKm store { id code name } }`;
const BY_GTIN = `query ConsoleScan($gtin: String!, $store: ID!, $near: GeoPointInput!) { found: productByGtin(gtin: $gtin) { ${PRODUCT} } }`;
const BY_SKU = `query ConsoleArticle($sku: String!, $store: ID!, $near: GeoPointInput!) { found: product(sku: $sku) { ${PRODUCT} } }`;
const STOCK = `subscription ConsoleStock($skus: [String!]!, $stores: [ID!]!) {
  stockChanges(skus: $skus, storeIds: $stores) { sku availability { quantity status store { id } } } }`;
const RESERVE = `mutation ConsoleReserve($input: ReserveInStoreInput!) {
  reserveInStore(input: $input) { reservation { id status quantity expiresAt } userErrors { field code message } } }`;

export function mountBarcode(root, context) {
  const view = panel(root, "barcode", "Article");
  const input = field("barcode-input", "Barcode (GTIN) or article number", { inputmode: "text", required: true });
  const form = h("form", { className: "inline", novalidate: true, onsubmit: (e) => { e.preventDefault(); look(input[1].value.trim()); } },
    ...input, h("button", { type: "submit" }, "Look up"));
  const result = h("div", { id: "barcode-result", "aria-live": "polite" });
  view.body.append(form, result);
  view.notice("Scan or type a barcode or an article number.");
  let unsubscribe = () => {};

  async function look(code) {
    unsubscribe();
    result.replaceChildren();
    if (!code) return view.notice("Scan or type a barcode or an article number.", "error");
    view.notice("Looking up…");
    const byGtin = /^\d{8,14}$/.test(code);
    try {
      const { data, warnings } = await graphql(context.session, byGtin ? BY_GTIN : BY_SKU,
        { ...(byGtin ? { gtin: code } : { sku: code }), store: context.store.id, near: pointOf(context.store) });
      if (!data.found) return view.notice(`No article has the ${byGtin ? "barcode" : "number"} ${code}.`, "error");
      view.notice(warnings.join(" "), warnings.length ? "warning" : "");
      show(data.found);
    } catch (error) {
      if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return context.signOut(error.message);
      view.notice(error.message, "error");
    }
  }

  function show(product) {
    const nearby = (product.nearby ?? []).filter((a) => a.store.id !== context.store.id).slice(0, 5);
    const cells = new Map(); // store id -> element showing its quantity
    const quantity = (availability, storeId) => {
      const element = h("span", { className: "quantity" }, availability ? stockText(availability) : "unknown");
      cells.set(storeId, element);
      return element;
    };
    result.replaceChildren(h("article", { className: "product" },
      h("h3", {}, product.name), h("p", {}, [product.brand, `article ${product.sku}`, product.gtin && `GTIN ${product.gtin}`].filter(Boolean).join(" · ")),
      h("p", { className: "price" }, money(product.price?.amount),
        product.price?.compareAt ? h("s", {}, ` ${money(product.price.compareAt)}`) : null),
      h("p", {}, "Here: ", quantity(product.here, context.store.id)),
      nearby.length ? h("table", { className: "stock" }, h("caption", {}, "Nearest stores"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Store"), h("th", { scope: "col" }, "Distance"), h("th", { scope: "col" }, "Stock"))),
        h("tbody", {}, nearby.map((a) => h("tr", {}, h("th", { scope: "row" }, `${a.store.name} (${a.store.code})`),
          h("td", {}, a.distanceKm === null ? "–" : `${a.distanceKm.toFixed(1)} km`), h("td", {}, quantity(a, a.store.id))))))
        : h("p", {}, "No other store nearby has it in stock."),
      reserveForm(product)));
    unsubscribe = context.live.subscribe(STOCK, { skus: [product.sku], stores: [...cells.keys()] }, {
      next: (data) => {
        const cell = cells.get(data.stockChanges.availability.store.id);
        if (cell) cell.textContent = stockText(data.stockChanges.availability);
      },
      error: () => {},
    });
  }

  function reserveForm(product) {
    if (!context.store.services.includes("RESERVE_AND_COLLECT")) {
      return h("p", { className: "help" }, "This store does not offer reserve & collect.");
    }
    const alert = h("p", { className: "error", role: "alert" });
    const done = h("p", { className: "ok", role: "status" });
    const quantity = field("reserve-quantity", "Quantity", { type: "number", min: "1", max: "99", value: "1", inputmode: "numeric" });
    const card = field("reserve-card", "Customer's loyalty card (empty: a walk-in)", {});
    card[1].value = context.customer?.loyalty?.cardNumber ?? "";
    let key = idempotencyKey("console-reserve");
    const fresh = () => { key = idempotencyKey("console-reserve"); };
    quantity[1].addEventListener("input", fresh);
    card[1].addEventListener("input", fresh);
    const form = h("form", { className: "stacked", novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      alert.textContent = "";
      done.textContent = "";
      const units = Number(quantity[1].value);
      if (!Number.isInteger(units) || units < 1) return (alert.textContent = "The quantity is a whole number, 1 or more.");
      const input = { idempotencyKey: key, sku: product.sku, storeId: context.store.id, quantity: units };
      if (card[1].value.trim()) input.loyaltyCard = card[1].value.trim();
      try {
        const { data } = await graphql(context.session, RESERVE, { input });
        const problem = userErrorText(data.reserveInStore);
        if (problem) return (alert.textContent = problem);
        const held = data.reserveInStore.reservation;
        done.textContent = `Held: ${held.quantity} until ${when(held.expiresAt, context.store.timezone)}.`;
        fresh();
      } catch (error) {
        if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return context.signOut(error.message);
        alert.textContent = error.message;
      }
    } }, h("h4", {}, "Reserve for a customer"), ...quantity, ...card, h("button", { type: "submit" }, "Reserve"), alert, done);
    return form;
  }

  return { refresh: () => {}, dispose: () => unsubscribe() };
}

function stockText(availability) {
  return `${availability.quantity} (${availability.status.toLowerCase().replaceAll("_", " ")})`;
}

function pointOf(store) {
  return { latitude: store.location.latitude, longitude: store.location.longitude };
}
