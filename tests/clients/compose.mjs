// Composes Omnigate's exported schema.graphql with the reviews and marketplace subgraphs, with the current
// @apollo/composition and the oldest one we keep composing with (2.9), and prints what each made of it.
// Job: {"schemaPath": ".../schema.graphql"}.

import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { composeServices as composeServices29 } from "apollo-composition-2.9";
import { printSchema } from "graphql";
import { readJob, writeResult } from "./job.mjs";
import { subgraphs } from "./subgraphs.mjs";

const COMPOSERS = [
  ["@apollo/composition", composeServices],
  ["apollo-composition-2.9", composeServices29],
];

function installedVersion(name) {
  const file = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(file, "utf8")).version;
}

function outcome(result) {
  if (result.errors) return { errors: result.errors.map((error) => error.message) };
  return {
    errors: [],
    hints: result.hints.map((hint) => `${hint.definition.code}: ${hint.message}`),
    supergraphSdl: result.supergraphSdl,
    apiSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()),
  };
}

async function main() {
  const { schemaPath } = await readJob();
  const urls = { omnigate: "http://omnigate.invalid/graphql", reviews: "http://reviews.invalid/graphql",
                 marketplace: "http://marketplace.invalid/graphql" };
  const services = subgraphs(readFileSync(schemaPath, "utf8"), urls);
  writeResult(Object.fromEntries(COMPOSERS.map(([name, compose]) =>
    [installedVersion(name), outcome(compose(services))])));
}

await main();
