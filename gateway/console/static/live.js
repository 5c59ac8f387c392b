// One graphql-ws connection (graphql-transport-ws) for every live panel, the credential in connection_init.
// It reconnects for ever with backoff; whoever watches is told, so the screen never claims to be live when it
// is not, and the panels read their lists again after a gap (events sent meanwhile were not received).

import { CloseCode, createClient } from "./graphql-ws.client.js";
import { describe } from "./api.js";
import { headers } from "./session.js";

// closes graphql-ws does not retry (Forbidden added: a credential refused stays refused); the rest are retried
const REFUSED = new Set([CloseCode.Forbidden, CloseCode.Unauthorized, CloseCode.BadRequest, CloseCode.BadResponse,
  CloseCode.InternalServerError, CloseCode.InternalClientError, CloseCode.SubprotocolNotAcceptable,
  CloseCode.SubscriberAlreadyExists, CloseCode.TooManyInitialisationRequests]);

export function socketUrl(endpoint, location = window.location) {
  const url = new URL(endpoint, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

// graphql-ws gives up on the other 1xxx closes too, as a WebSocket's own failures
const RETRIED = new Set([1000, 1001, 1005, 1006, 1012, 1013, 1014]);
const final = (code) => REFUSED.has(code) || (code >= 1000 && code <= 1999 && !RETRIED.has(code));

// onStatus(state, detail): state is "connecting", "live", "reconnecting" (after a loss), "unavailable" (never
// connected yet, retrying), "refused" or "stopped" (not retried); detail.caughtUp after a gap.
export function connect(session, endpoint, onStatus) {
  let attempts = 0;
  let everConnected = false;
  const retrying = () => (everConnected ? "reconnecting" : "unavailable");
  const client = createClient({
    url: socketUrl(endpoint),
    connectionParams: () => headers(session),
    lazy: false,
    keepAlive: 15000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (event) => !REFUSED.has(event?.code),
    retryWait: async (retries) => {
      attempts = retries + 1;
      await new Promise((resolve) => window.setTimeout(resolve, Math.min(1000 * 2 ** retries, 15000) * (0.5 + Math.random() / 2)));
    },
    onNonLazyError: () => {},
    on: {
      connecting: (isRetry) => onStatus(isRetry ? retrying() : "connecting", { attempts }),
      connected: () => {
        const caughtUp = everConnected;
        attempts = 0;
        everConnected = true;
        onStatus("live", { caughtUp });
      },
      closed: (event) => {
        if (REFUSED.has(event?.code)) onStatus("refused", { reason: event.reason });
        else if (final(event?.code)) onStatus("stopped", { reason: event.reason || `closed ${event.code}` });
        else onStatus(retrying(), { attempts });
      },
    },
  });
  return {
    // handlers.next(data) for each event; handlers.error(text) when the server refuses this subscription.
    subscribe(query, variables, handlers) {
      return client.subscribe({ query, variables }, {
        next: (result) => {
          if (result.data) handlers.next(result.data);
          else if (result.errors?.length) handlers.error(describe(result.errors[0]), result.errors[0].extensions?.code);
        },
        error: (error) => {
          if (Array.isArray(error) && error.length) handlers.error(describe(error[0]), error[0].extensions?.code);
          else if (!final(error?.code)) handlers.error("Live updates stopped.", "CLOSED");
        },
        complete: () => {},
      });
    },
    dispose() {
      client.dispose();
    },
  };
}
