// A supergraph of Omnigate (running at the URL given), reviews and marketplace, composed from Omnigate's
// schema.graphql, served by @apollo/gateway; prints the gateway's answer to one operation.
// Job: {"omnigateUrl", "schemaPath", "reviews": [{id, sku, rating, body}], "offers": [{id, seller, sku, price}],
//       "query", "variables"}.
//
// The operation goes to the gateway's executor, the interface Apollo Server drives: Apollo Server 5 needs a newer
// Node than Debian ships, and the query planner and the subgraph calls are what is under test.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { ApolloGateway } from "@apollo/gateway";
import { parse } from "graphql";
import { readJob, writeResult } from "./job.mjs";
import { marketplaceSchema, reviewsSchema, serve, subgraphs } from "./subgraphs.mjs";

const QUIET = { debug() {}, info() {}, warn: console.error, error: console.error };

async function execute(executor, query, variables) {
  return executor({
    request: { query, variables },
    document: parse(query),
    queryHash: createHash("sha256").update(query).digest("hex"),
    operationName: null,
    context: {},
    metrics: {},
    logger: QUIET,
  });
}

async function main() {
  const job = await readJob();
  const reviews = await serve(reviewsSchema(job.reviews));
  const marketplace = await serve(marketplaceSchema(job.offers));
  try {
    const urls = { omnigate: `${job.omnigateUrl}/graphql`, reviews: reviews.url, marketplace: marketplace.url };
    const composed = composeServices(subgraphs(readFileSync(job.schemaPath, "utf8"), urls));
    if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join("\n"));
    const gateway = new ApolloGateway({ supergraphSdl: composed.supergraphSdl, logger: QUIET });
    const { executor } = await gateway.load();
    try {
      const { data, errors } = await execute(executor, job.query, job.variables);
      writeResult({ data, errors: errors ?? [] });
    } finally {
      await gateway.stop();
    }
  } finally {
    await reviews.close();
    await marketplace.close();
  }
}

await main();
