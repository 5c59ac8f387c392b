// The console's start: sign in (or resume this tab's session), find the store, open the four panels, go live.

import { ApiError, useEndpoint } from "./api.js";
import { byId, h, show } from "./dom.js";
import { connect } from "./live.js";
import { mountAppointments } from "./appointments.js";
import { mountBarcode } from "./barcode.js";
import { mountCustomers } from "./customers.js";
import { mountReservations } from "./reservations.js";
import * as sessions from "./session.js";
import { identify, storeByCode, storeChoices } from "./signin.js";

const config = JSON.parse(byId("omnigate-console-config").textContent);
const STATUS = {
  connecting: "Connecting to live updates…",
  live: "Live",
  reconnecting: "Connection lost: reconnecting…",
  unavailable: "Live updates unavailable: retrying…",
  refused: "Live updates refused for this sign-in",
  stopped: "Live updates stopped (reload the page to try again)",
};
let opened = null; // { live, panels } while the console is shown

useEndpoint(config.endpoint);
byId("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const secret = byId("credential").value.trim();
  if (!secret) return signInError("Enter a staff token or a kiosk API key.");
  signIn({ kind: sessions.kindOf(secret), secret });
});
byId("store-form").addEventListener("submit", (event) => {
  event.preventDefault();
  chooseStore(byId("store-code").value.trim().toUpperCase());
});
byId("sign-out").addEventListener("click", () => signOut("Signed out."));
renderPresets();
const resumed = sessions.load();
if (resumed) signIn(resumed);
else showSignIn("");

async function signIn(session) {
  signInError("");
  setBusy(byId("sign-in-form"), true);
  try {
    const who = await identify(session);
    const store = who.store ?? (session.storeCode ? await storeByCode(session, session.storeCode) : null);
    sessions.save({ ...session, storeCode: store?.code });
    if (store) openConsole(session, who.role, store);
    else showStoreChooser(session);
  } catch (error) {
    // a refused credential is forgotten; a gateway or back office not answering keeps it for "Try again"
    const refused = error instanceof ApiError && ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"].includes(error.code);
    if (refused) sessions.clear();
    else sessions.save(session);
    showSignIn(error instanceof ApiError ? error.message : String(error), refused ? null : session);
  } finally {
    setBusy(byId("sign-in-form"), false);
  }
}

async function showStoreChooser(session) {
  showView("store-view");
  byId("store-code").focus();
  const choices = await storeChoices(session);
  byId("store-codes").replaceChildren(...choices.map((store) => h("option", { value: store.code }, store.name)));
}

async function chooseStore(code) {
  const session = sessions.load();
  if (!session) return showSignIn("Signed out.");
  byId("store-error").textContent = "";
  if (!code) {
    byId("store-error").textContent = "Enter the store's code.";
    return;
  }
  try {
    const store = await storeByCode(session, code);
    sessions.save({ ...session, storeCode: store.code });
    openConsole(session, "staff", store);
  } catch (error) {
    if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return signOut(error.message);
    byId("store-error").textContent = error instanceof ApiError ? error.message : String(error);
  }
}

function openConsole(session, role, store) {
  closeConsole();
  const root = byId("console-view");
  root.replaceChildren();
  byId("store-name").textContent = `${store.name} (${store.code}) · ${role === "kiosk" ? "kiosk" : "staff"}`;
  show(byId("sign-out"), true);
  const live = connect(session, config.endpoint, onLiveStatus);
  const context = { session, role, store, live, signOut, shared: new EventTarget() };
  const panels = [mountAppointments, mountReservations, mountBarcode, mountCustomers].map((mount) => mount(root, context));
  opened = { live, panels };
  showView("console-view");
  byId("main").focus();
}

function onLiveStatus(state, detail) {
  const status = byId("live-status");
  status.textContent = STATUS[state] + (detail.attempts > 1 ? ` (attempt ${detail.attempts})` : "")
    + (detail.reason ? `: ${detail.reason}` : "");
  status.dataset.state = state;
  if (state === "live" && detail.caughtUp) opened?.panels.forEach((panel) => panel.refresh());
}

function closeConsole() {
  if (!opened) return;
  opened.panels.forEach((panel) => panel.dispose());
  opened.live.dispose();
  opened = null;
}

function signOut(message) {
  closeConsole();
  sessions.clear();
  showSignIn(message);
}

function showSignIn(message, retry = null) {
  closeConsole();
  const again = byId("sign-in-retry");
  show(again, retry !== null);
  again.onclick = retry ? () => signIn(retry) : null;
  byId("store-name").textContent = "";
  byId("live-status").textContent = "";
  show(byId("sign-out"), false);
  byId("credential").value = "";
  signInError(message);
  showView("sign-in-view");
  byId("credential").focus();
}

function showView(id) {
  for (const view of ["sign-in-view", "store-view", "console-view"]) show(byId(view), view === id);
}

function signInError(message) {
  byId("sign-in-error").textContent = message;
  byId("credential").setAttribute("aria-invalid", message && message !== "Signed out." ? "true" : "false");
}

function setBusy(form, busy) {
  form.querySelectorAll("button").forEach((button) => { button.disabled = busy; });
  form.setAttribute("aria-busy", String(busy));
}

function renderPresets() {
  const presets = config.presets ?? [];
  show(byId("presets"), presets.length > 0);
  byId("preset-list").replaceChildren(...presets.map((preset) => h("li", {},
    h("button", { type: "button", onclick: () => signIn({ kind: preset.kind, secret: preset.secret }) },
      `Sign in as ${preset.label}`))));
}
