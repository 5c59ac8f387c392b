/**
 * Hive Gateway serving the composed supergraph (`hive-gateway supergraph <file> -c gateway.config.ts`).
 *
 * `SIM_URL` (the running simulators) is read at start: transportEntries point every source there, whatever
 * URL the supergraph was composed against.
 *
 * Performance features, as Hive Gateway's "Performance & Caching" documentation lists them:
 * - parsing and validation cache: on by default (left on), so a repeated document is not parsed/validated again;
 * - in-flight request deduplication: on by default for upstream calls (left on);
 * - response caching: ON, whole responses kept for STOCK_TTL_MS (the shortest lifetime of the data they hold:
 *   store and online stock, Omnigate's stock TTL), shared across clients (no session); fields that read customer
 *   data (CRM SOQL, POS customers/orders/loyalty, web orders, wishlists) are never cached;
 * - batching of links: the store-stock link below is batched through the in-context SDK (keys + valuesFromResults),
 *   so all item variations of one request share one BatchRetrieveInventoryCounts call;
 * - HTTP caching of upstream responses (useHttpCache) is not enabled: the simulators send no cache headers, so it
 *   would cache nothing; request batching (many operations in one HTTP request) is a client feature the benchmark's
 *   clients do not use.
 */
import { defineConfig, type GatewayContext } from '@graphql-hive/gateway';
import type { SelectionSetNode } from 'graphql';
import { parse } from 'graphql';

const sim = process.env.SIM_URL ?? 'http://127.0.0.1:8100';
const STOCK_TTL_MS = 5_000;
const PRIVATE_FIELDS = ['Query.query', 'Query.querySlash', 'Query.getRecord', 'Query.retrieveCollectionGet',
  'Query.SearchCustomers', 'Query.BulkRetrieveCustomers', 'Query.RetrieveCustomer', 'Query.SearchLoyaltyAccounts',
  'Query.SearchOrders', 'Query.BatchRetrieveOrders', 'Query.listOrders', 'Query.getOrder', 'Query.listCustomers',
  'Query.getCustomer', 'Query.wishlistsByUser', 'Query.wishlistByShareKey', 'Query.wishlistProducts'];

type Row = Record<string, unknown>;
type Sdk = Record<string, Record<string, Record<string, (options: object) => Promise<unknown>>>>;
const sdk = (context: GatewayContext) => context as unknown as Sdk;

const selection = (text: string) => (parse(text).definitions[0] as { selectionSet: SelectionSetNode }).selectionSet;
const orFilter = (name: string, keys: string[]) => keys.map((key) => `${name} eq '${key}'`).join(' or ');
const PRICE_TYPES = "(ConditionType eq 'PPR0' or ConditionType eq 'ZPRM')";

/**
 * A link batched the way Mesh's programmatic resolvers batch (the in-context SDK with key/argsFromKeys): every
 * parent of one request asks with its key, one upstream call answers all of them, rows are matched back by field.
 */
function batched(source: string, field: string, keyOf: (root: Row) => unknown, rows: (result: Row | null) => Row[],
                 rowKey: (row: Row) => unknown, sourceSelection: string,
                 argsFromKeys: (keys: any[], args: Row) => Row, requiredSelection: string) {
  const wanted = selection(sourceSelection);
  return {
    selectionSet: requiredSelection,
    resolve: (root: Row, args: Row, context: GatewayContext, info: unknown) =>
      sdk(context)[source].Query[field]({
        root, context, info,
        key: keyOf(root),
        argsFromKeys: (keys: unknown[]) => argsFromKeys(keys, args),
        selectionSet: wanted,
        valuesFromResults: (result: Row | null, keys: unknown[]) =>
          keys.map((key) => rows(result).filter((row) => rowKey(row) === key)),
      }),
  };
}

const PRICE_SELECTION = '{ d { results { ConditionType Material ConditionValidityStartDate '
  + 'to_SlsPrcgConditionRecord { ConditionRateValue ConditionRateValueUnit ConditionIsDeleted } } } }';
const priceArgs = (skus: string[]) => ({ _DOLLAR_filter: `${PRICE_TYPES} and (${orFilter('Material', skus)})`,
                                         _DOLLAR_expand: 'to_SlsPrcgConditionRecord' });
const PRICES = 'API_SLSPRICINGCONDITIONRECORD_SRV_A_SlsPrcgCndnRecdValidity_list';

const ORDER_SELECTION = selection('{ orders { id location_id customer_id closed_at total_money { amount currency } '
  + 'line_items { name quantity catalog_object_id total_money { amount } } } }');
const LOCATIONS_PER_SEARCH = 10; // Square's SearchOrders takes at most 10 location ids
let locationIds: Promise<string[]> | undefined;

/** Every store's location id, read once per process: a client would keep the store list as long. */
function allLocations(context: GatewayContext, info: unknown): Promise<string[]> {
  locationIds ??= (sdk(context).POS.Query.ListLocations({
    root: {}, context, info, selectionSet: selection('{ locations { id } }'),
  }) as Promise<{ locations?: Row[] }>).then((answer) => (answer.locations ?? []).map((l) => l.id as string));
  locationIds.catch(() => { locationIds = undefined; });
  return locationIds;
}

const instant = (value: unknown) => new Date(value as string | Date).getTime() || 0;

/** A customer's completed receipts at every store, newest first: one SearchOrders per 10 stores, at once. */
async function receipts(root: Row, args: Row, context: GatewayContext, info: unknown): Promise<Row[]> {
  const ids = await allLocations(context, info);
  const chunks = Array.from({ length: Math.ceil(ids.length / LOCATIONS_PER_SEARCH) },
    (_, n) => ids.slice(n * LOCATIONS_PER_SEARCH, (n + 1) * LOCATIONS_PER_SEARCH));
  const pages = await Promise.all(chunks.map((location_ids) => sdk(context).POS.Query.SearchOrders({
    root, context, info, selectionSet: ORDER_SELECTION,
    args: { input: { location_ids, limit: args.limit, query: {
      filter: { customer_filter: { customer_ids: [root.id] }, state_filter: { states: ['COMPLETED'] } },
      sort: { sort_field: 'CLOSED_AT', sort_order: 'DESC' } } } },
  }) as Promise<{ orders?: Row[] } | null>));
  return pages.flatMap((page) => page?.orders ?? [])
    .sort((a, b) => instant(b.closed_at) - instant(a.closed_at))
    .slice(0, args.limit as number);
}

/** The shop answers 400 for a customer without a wishlist (TI WooCommerce Wishlist): that is no wishlist. */
async function wishlists(root: Row, _args: Row, context: GatewayContext, info: unknown): Promise<Row[]> {
  const shopId = Number((root.additionalProperties as Row | null)?.Webshop_Customer_Id__c);
  if (!Number.isInteger(shopId) || shopId <= 0) return [];
  try {
    const found = await sdk(context).WEBSHOP.Query.wishlistsByUser({
      root, context, info, args: { user_id: shopId }, selectionSet: selection('{ id share_key }'),
    });
    return Array.isArray(found) ? found.filter((row) => row && !(row instanceof Error)) : [];
  } catch {
    return [];
  }
}

const v2rows = (result: Row | null) => ((result?.d as Row | undefined)?.results as Row[] | undefined) ?? [];
const v4rows = (result: Row | null) => (result?.value as Row[] | undefined) ?? [];

export const gatewayConfig = defineConfig({
  transportEntries: Object.fromEntries(['ERP', 'POS', 'CRM', 'WEBSHOP'].map((name) => [
    name, { location: `${sim}/${name.toLowerCase()}` },
  ])),
  responseCaching: {
    session: () => null,
    ttl: STOCK_TTL_MS,
    ttlPerSchemaCoordinate: Object.fromEntries(PRIVATE_FIELDS.map((coordinate) => [coordinate, 0])),
  },
  additionalTypeDefs: /* GraphQL */ `
    extend type Pos_CatalogObject {
      "Counts of this item variation in the given stores (Square location ids), batched across variations."
      inventory(location_ids: [String!]!): [Pos_InventoryCount!]!
    }
    extend type Erp_ZAPI_PRODREL_ProductRelationship_Type {
      "The related product (name, brand, GTIN), batched across relationships."
      relatedProduct: [Erp_API_PRODUCT_Product_Type!]!
      "The related product's list price and promotions, batched across relationships."
      relatedPrices: [Erp_API_SLSPRICINGCONDITIONRECORD_SRV_A_SlsPrcgCndnRecdValidityType!]!
    }
    extend type Erp_API_PRODUCT_Product_Type {
      "This product's list price and promotions (ERP pricing records), batched across products."
      prices: [Erp_API_SLSPRICINGCONDITIONRECORD_SRV_A_SlsPrcgCndnRecdValidityType!]!
      "This product's POS item variations (found by GTIN), batched across products: their store stock follows."
      posVariations: [Pos_CatalogObject!]!
    }
    extend type Crm_SObject {
      "A Contact's web shop wishlists (by its Webshop_Customer_Id__c); none when the shop has none for it."
      wishlists: [Webshop_Wishlist!]!
    }
    extend type Pos_Customer {
      "This customer's completed till receipts at every store, newest first."
      receipts(limit: Int!): [Pos_Order!]!
    }
    extend type Webshop_WishlistItem {
      "The wished product (name, sku, price), batched across items."
      product: [Webshop_Product!]!
    }
    extend type Webshop_LineItem {
      "Accessories of the bought product (ERP relationships of type ACC), batched across lines."
      accessories: [Erp_ZAPI_PRODREL_ProductRelationship_Type!]!
    }
  `,
  additionalResolvers: {
    Pos_CatalogObject: {
      inventory: batched('POS', 'BatchRetrieveInventoryCounts', (root) => root.id as string,
        (result) => (result?.counts as Row[] | undefined) ?? [], (row) => row.catalog_object_id,
        '{ counts { catalog_object_id location_id state quantity calculated_at } }',
        (ids, args) => ({ input: { catalog_object_ids: ids, location_ids: args.location_ids,
                                   states: ['IN_STOCK', 'RESERVED_FOR_SALE'], limit: 1000 } }),
        '{ id }'),
    },
    Erp_ZAPI_PRODREL_ProductRelationship_Type: {
      relatedProduct: batched('ERP', 'API_PRODUCT_Product_list', (root) => root.RelatedProduct as string,
        v4rows, (row) => row.Product,
        '{ value { Product ProductStandardID YY1_Brand_PRD _ProductDescription { Language ProductDescription } } }',
        (skus) => ({ _DOLLAR_filter: orFilter('Product', skus), _DOLLAR_expand: '_ProductDescription' }),
        '{ RelatedProduct }'),
      relatedPrices: batched('ERP', PRICES, (root) => root.RelatedProduct as string, v2rows, (row) => row.Material,
        PRICE_SELECTION, priceArgs, '{ RelatedProduct }'),
    },
    Pos_Customer: {
      receipts: { selectionSet: '{ id }', resolve: receipts },
    },
    Crm_SObject: {
      wishlists: { selectionSet: '{ additionalProperties }', resolve: wishlists },
    },
    Webshop_WishlistItem: {
      product: batched('WEBSHOP', 'listProducts', (root) => root.product_id as number, (result) => (result as unknown as Row[]) ?? [],
        (row) => row.id, '{ id sku name price }',
        (ids) => ({ include: ids.join(','), per_page: 100 }), '{ product_id }'),
    },
    Webshop_LineItem: {
      accessories: batched('ERP', 'ZAPI_PRODREL_ProductRelationship_list', (root) => root.sku as string, v4rows,
        (row) => row.Product, '{ value { Product RelatedProduct RelationshipType SortOrder } }',
        (skus) => ({ _DOLLAR_filter: `RelationshipType eq 'ACC' and (${orFilter('Product', skus)})` }), '{ sku }'),
    },
    Erp_API_PRODUCT_Product_Type: {
      prices: batched('ERP', PRICES, (root) => root.Product as string, v2rows, (row) => row.Material,
        PRICE_SELECTION, priceArgs, '{ Product }'),
      posVariations: batched('POS', 'SearchCatalogObjects', (root) => root.ProductStandardID as string,
        (result) => (result?.objects as Row[] | undefined) ?? [], (row) => (row.item_variation_data as Row)?.upc,
        '{ objects { id type item_variation_data { upc sku } } }',
        (gtins) => ({ input: { object_types: ['ITEM_VARIATION'], limit: 1000,
                               query: { set_query: { attribute_name: 'upc', attribute_values: gtins } } } }),
        '{ ProductStandardID }'),
    },
  },
});
