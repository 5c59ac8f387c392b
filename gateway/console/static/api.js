// GraphQL over HTTP to this gateway, with every failure turned into a sentence staff can act on.

import { headers } from "./session.js";

const SYSTEMS = { erp: "the ERP", pos: "the store system (POS)", crm: "the customer system (CRM)", webshop: "the web shop" };

export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

let endpoint = "/graphql";

export function useEndpoint(url) {
  endpoint = url;
}

// { data, warnings }: data whole or partial; throws ApiError when there is nothing to show.
export async function graphql(session, query, variables = {}) {
  let response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...headers(session) },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError("NETWORK", "The gateway cannot be reached. Check the network; try again in a moment.");
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    throw new ApiError("HTTP", `The gateway answered ${response.status} without a GraphQL answer.`);
  }
  const errors = body.errors ?? [];
  if (response.status === 401 || errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) {
    throw new ApiError("UNAUTHENTICATED", `This token or key was not accepted: ${errors[0]?.message ?? "signed out"}.`);
  }
  if (!body.data) {
    throw failure(errors[0], response.status);
  }
  return { data: body.data, warnings: [...new Set(errors.map(describe))] };
}

function failure(error, status) {
  const code = error?.extensions?.code ?? (status >= 500 ? "UPSTREAM_UNAVAILABLE" : "HTTP");
  return new ApiError(code, describe(error ?? { message: `The gateway answered ${status}.`, extensions: { code } }));
}

// The sentence for one GraphQL error, by its extensions.code.
export function describe(error) {
  const code = error.extensions?.code;
  const source = SYSTEMS[error.extensions?.source] ?? "a back office";
  switch (code) {
    case "FORBIDDEN":
      return `Not allowed with this sign-in (FORBIDDEN): ${error.message}`;
    case "UPSTREAM_UNAVAILABLE":
    case "UPSTREAM_TIMEOUT":
    case "UPSTREAM_ERROR":
      return `${capital(source)} is not answering right now (${code}); what it holds is missing. Try again shortly.`;
    case "OVERLOADED":
    case "RATE_LIMITED":
      return `The gateway is busy (${code}); try again in a few seconds.`;
    default:
      return code ? `${error.message} (${code})` : error.message;
  }
}

// A mutation's userErrors as one line, or null when it went through.
export function userErrorText(payload) {
  const errors = payload?.userErrors ?? [];
  return errors.length ? errors.map((e) => `${e.message} (${e.code})`).join(" ") : null;
}

function capital(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
