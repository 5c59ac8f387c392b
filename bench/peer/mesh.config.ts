/**
 * GraphQL Mesh over the four simulators' OpenAPI documents: the benchmark's peer.
 *
 * `SIM_URL` names the simulators (read when composing); bench/mesh.py composes against the running ones and
 * gateway.config.ts points the transports at them again at run time (transportEntries).
 */
import { readFileSync } from 'node:fs';
import { createPrefixTransform, defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const base = process.env.SIM_URL ?? 'http://127.0.0.1:8100';

// The demo credentials (connectors/credentials.py DEMO_CREDENTIALS), sent as each simulator checks them:
// the ERP and the web shop take HTTP Basic, the POS and the CRM a bearer token.
const basic = (user: string, password: string) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
const AUTH: Record<string, string> = {
  erp: basic('omnigate', 'demo-erp'),
  pos: 'Bearer demo-pos-token',
  crm: 'Bearer demo-crm-token',
  webshop: basic('ck_demo', 'cs_demo'),
};

// Square reads data with POST (search, batch-retrieve): the handler makes POSTs mutations unless told otherwise,
// and a read document cannot call a mutation.
const POS_READS = ['SearchCatalogObjects', 'BatchRetrieveCatalogObjects', 'BatchRetrieveInventoryCounts',
  'SearchCustomers', 'BulkRetrieveCustomers', 'SearchLoyaltyAccounts', 'SearchOrders', 'BatchRetrieveOrders'];

const prefix = (system: string) => `${system[0].toUpperCase()}${system.slice(1)}_`;

export const composeConfig = defineConfig({
  subgraphs: ['erp', 'pos', 'crm', 'webshop'].map((system) => ({
    sourceHandler: loadOpenAPISubgraph(system.toUpperCase(), {
      source: `${base}/${system}/openapi.json`,
      endpoint: `${base}/${system}`,
      operationHeaders: { Authorization: AUTH[system], Accept: 'application/json' },
      // Error responses stay GraphQL errors instead of `X_200_response | Error` unions, so the links below can
      // name a result path and documents need no inline fragments.
      ignoreErrorResponses: true,
      selectQueryOrMutationField: system === 'pos'
        ? POS_READS.map((fieldName) => ({ type: 'query' as const, fieldName }))
        : undefined,
    }),
    // Square and WooCommerce share type names (Order, Customer, ...): every source's types get its prefix.
    transforms: [createPrefixTransform({ value: prefix(system), includeRootOperations: false })],
  })),
  additionalTypeDefs: readFileSync(new URL('./links.graphql', import.meta.url), 'utf8'),
});
