// Who is signing in: a staff token (bound to a store, or naming one now) or a store kiosk's key. Customers'
// tokens and partners' keys are told this console is not theirs rather than shown empty panels.

import { ApiError, graphql } from "./api.js";

const STORE_FIELDS = "id code name timezone services location { latitude longitude } address { city }";
const WHO = `query ConsoleWho { me { id } myStore { ${STORE_FIELDS} } }`;
const BY_CODE = `query ConsoleStore($code: String!) { storeByCode(code: $code) { ${STORE_FIELDS} isOpen } }`;
const STORES = "query ConsoleStores { stores(service: APPOINTMENTS, first: 100) { edges { node { code name } } } }";

// { role, store } where store is null when staff must name one; throws ApiError with a sentence to show.
export async function identify(session) {
  const { data } = await graphql(session, WHO);
  if (data.me) {
    throw new ApiError("FORBIDDEN", "This is a customer's token: the console is for store staff and kiosks.");
  }
  if (session.kind === "key") {
    if (!data.myStore) throw new ApiError("FORBIDDEN", "This key is not a store kiosk's: the console is for store staff and kiosks.");
    return { role: "kiosk", store: data.myStore };
  }
  return { role: "staff", store: data.myStore };
}

export async function storeByCode(session, code) {
  const { data } = await graphql(session, BY_CODE, { code });
  if (!data.storeByCode) throw new ApiError("NOT_FOUND", `No store has the code ${code}.`);
  return data.storeByCode;
}

// For the store chooser's suggestions; none when the directory is not answering (the field still works).
export async function storeChoices(session) {
  try {
    const { data } = await graphql(session, STORES);
    return data.stores.edges.map((edge) => edge.node);
  } catch {
    return [];
  }
}
