// Apollo Client 4 with its persisted-queries link against Omnigate: the APQ round trip as the wire shows it,
// and the errors as the app sees them.
// Job: {"url", "document", "variables", "refused": {"document", "variables", "headers"},
//       "unauthenticated": {"document", "headers"}}.

import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { readJob, writeResult } from "./job.mjs";

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/** A fetch that notes, per HTTP exchange, whether the document was sent and which error codes came back. */
function recordingFetch(exchanges) {
  return async (url, init) => {
    const body = JSON.parse(init.body);
    const response = await fetch(url, init);
    const answer = await response.clone().json();
    exchanges.push({
      sentDocument: typeof body.query === "string",
      sentHash: body.extensions?.persistedQuery?.sha256Hash ?? null,
      status: response.status,
      codes: (answer.errors ?? []).map((error) => error.extensions?.code ?? null),
    });
    return response;
  };
}

/** A new app session: its own cache, so every query goes to the network. */
function newClient(url, headers, exchanges) {
  const http = new HttpLink({ uri: `${url}/graphql`, headers, fetch: recordingFetch(exchanges) });
  return new ApolloClient({ link: new PersistedQueryLink({ sha256 }).concat(http), cache: new InMemoryCache() });
}

/** What the app's code can read off the error Apollo Client hands it; any other kind fails the script. */
function seenByApp(error) {
  if (CombinedGraphQLErrors.is(error)) {
    return { kind: "CombinedGraphQLErrors", data: error.data ?? null,
             errors: error.errors.map(({ path, extensions }) => ({ path: path ?? null, code: extensions?.code })) };
  }
  throw error;
}

async function run(url, document, variables, headers = {}) {
  const exchanges = [];
  try {
    const { data } = await newClient(url, headers, exchanges).query({ query: gql(document), variables });
    return { data, exchanges };
  } catch (error) {
    return { error: seenByApp(error), exchanges };
  }
}

async function main() {
  const job = await readJob();
  const first = await run(job.url, job.document, job.variables);
  const again = await run(job.url, job.document, job.variables);
  const refused = await run(job.url, job.refused.document, job.refused.variables, job.refused.headers);
  const unauthenticated = await run(job.url, job.unauthenticated.document, {}, job.unauthenticated.headers);
  writeResult({ first, again, refused, unauthenticated });
}

await main();
