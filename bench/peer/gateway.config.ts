/**
 * Hive Gateway serving the composed supergraph (`hive-gateway supergraph <file> -c gateway.config.ts`).
 *
 * `SIM_URL` (the running simulators) is read at start: transportEntries point every source there, whatever
 * URL the supergraph was composed against.
 *
 * Performance and caching features, as Hive Gateway's "Performance & Caching" documentation lists them:
 * - parsing and validation cache: on by default (left on), so a repeated document is not parsed or validated again;
 * - response caching: ON, whole responses kept for STOCK_TTL_MS (the shortest lifetime of the data they hold:
 *   store and online stock, Omnigate's stock TTL), shared across clients (no session), in memory per worker; any
 *   response reading customer data (CRM SOQL, POS customers/orders, web orders, wishlists) is never cached.
 *   MESH_RESPONSE_CACHE=off turns it off, for a run without it;
 * - inbound in-flight deduplication: ON, identical requests arriving while the first runs share its execution;
 * - batching of the links between sources (links.ts): DataLoader through the in-context SDK, as @resolveTo's
 *   keysArg batches, so e.g. all item variations of one request share one stock call;
 * - not applicable here: upstream in-flight deduplication is an option of the GraphQL (HTTP) transport, not of
 *   the REST one these OpenAPI sources use; HTTP caching of upstream responses (useHttpCache) follows
 *   Cache-Control, which the simulators do not send; request batching (many operations in one HTTP request) is a
 *   client feature the benchmark's clients do not use.
 */
import { defineConfig } from '@graphql-hive/gateway';
import { linkResolvers, linkTypeDefs } from './links.ts';

const sim = process.env.SIM_URL ?? 'http://127.0.0.1:8100';
const STOCK_TTL_MS = 5_000;
const PRIVATE_FIELDS = ['Query.query', 'Query.querySlash', 'Query.getRecord', 'Query.retrieveCollectionGet',
  'Query.SearchCustomers', 'Query.BulkRetrieveCustomers', 'Query.RetrieveCustomer', 'Query.SearchLoyaltyAccounts',
  'Query.SearchOrders', 'Query.BatchRetrieveOrders', 'Query.listOrders', 'Query.getOrder', 'Query.listCustomers',
  'Query.getCustomer', 'Query.wishlistsByUser', 'Query.wishlistByShareKey', 'Query.wishlistProducts'];

export const gatewayConfig = defineConfig({
  transportEntries: Object.fromEntries(['ERP', 'POS', 'CRM', 'WEBSHOP'].map((name) => [
    name, { location: `${sim}/${name.toLowerCase()}` },
  ])),
  responseCaching: process.env.MESH_RESPONSE_CACHE === 'off' ? undefined : {
    session: () => null,
    ttl: STOCK_TTL_MS,
    ttlPerSchemaCoordinate: Object.fromEntries(PRIVATE_FIELDS.map((coordinate) => [coordinate, 0])),
  },
  inboundInflightRequestDeduplication: true,
  additionalTypeDefs: linkTypeDefs,
  additionalResolvers: linkResolvers,
});
