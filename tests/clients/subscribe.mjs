// The `graphql-ws` client (graphql-transport-ws protocol) against Omnigate's /graphql: one subscription, its
// results until `count` arrived, or what ended it (a GraphQL error's codes, or the socket's close code).
// Job: {"url", "document", "variables", "connectionParams", "count"}.

import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { readJob, writeResult } from "./job.mjs";

/** What the app's code can read off what ended the subscription. */
function describe(error) {
  if (Array.isArray(error)) return { codes: error.map((e) => e.extensions?.code ?? null) };
  if (error && typeof error.code === "number") return { closeCode: error.code, reason: error.reason };
  return { message: String(error) };
}

const job = await readJob();
const client = createClient({
  url: job.url, webSocketImpl: WebSocket, connectionParams: job.connectionParams ?? {}, retryAttempts: 0,
});
const results = [];
const outcome = await new Promise((resolve) => {
  const dispose = client.subscribe({ query: job.document, variables: job.variables ?? {} }, {
    next: (result) => {
      results.push(result);
      if (results.length >= job.count) {
        dispose();
        resolve({ ended: null });
      }
    },
    error: (error) => resolve({ ended: describe(error) }),
    complete: () => resolve({ ended: "complete" }),
  });
});
await client.dispose();
writeResult({ results, ...outcome });
