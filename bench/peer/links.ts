/**
 * Links a client cannot follow within one request, written as Mesh's programmatic resolvers (the gateway's
 * additionalTypeDefs and additionalResolvers, calling sources through the in-context SDK).
 *
 * Most are batched, as Mesh's documentation recommends against N+1 calls: every parent of one request asks with
 * its key, DataLoader collects the keys, one upstream call answers them all and rows are matched back to keys by
 * a field (what @resolveTo's keysArg + valueKeyField do). They live here rather than as @resolveTo in
 * links.graphql because a declarative keysArg can neither put the keys and the other arguments into one nested
 * request body (Square) nor build an OData `$filter` out of keys (SAP).
 */
import type { GatewayContext } from '@graphql-hive/gateway';
import type { SelectionSetNode } from 'graphql';
import { parse } from 'graphql';

type Row = Record<string, unknown>;
type SdkCall = (options: object) => Promise<unknown>;
type Resolve = (root: Row, args: Row, context: GatewayContext, info: unknown) => Promise<unknown>;

const sdk = (context: GatewayContext, source: string, field: string) =>
  (context as unknown as Record<string, Record<string, Record<string, SdkCall>>>)[source].Query[field];
const selection = (text: string) => (parse(text).definitions[0] as { selectionSet: SelectionSetNode }).selectionSet;
const orFilter = (name: string, keys: unknown[]) => keys.map((key) => `${name} eq '${key}'`).join(' or ');
const v2rows = (result: Row | null) => ((result?.d as Row | undefined)?.results as Row[] | undefined) ?? [];
const v4rows = (result: Row | null) => (result?.value as Row[] | undefined) ?? [];
const instant = (value: unknown) => new Date(value as string | Date).getTime() || 0;

const ODATA_KEYS = 98; // SAP's gateway takes 100 comparisons per $filter; two go to the condition types
const PRICE_TYPES = "(ConditionType eq 'PPR0' or ConditionType eq 'ZPRM')"; // list price and promotions
const PRICES = 'API_SLSPRICINGCONDITIONRECORD_SRV_A_SlsPrcgCndnRecdValidity_list';
const PRICE_SELECTION = '{ d { results { ConditionType Material ConditionValidityStartDate '
  + 'to_SlsPrcgConditionRecord { ConditionRateValue ConditionRateValueUnit ConditionIsDeleted } } } }';
const priceArgs = (skus: unknown[]) => ({ _DOLLAR_filter: `${PRICE_TYPES} and (${orFilter('Material', skus)})`,
                                          _DOLLAR_expand: 'to_SlsPrcgConditionRecord' });

interface Batch {
  source: string; // subgraph
  field: string; // its Query field taking many keys
  requires: string; // what the parent must have fetched
  key: (root: Row) => unknown;
  args: (keys: unknown[], args: Row) => Row;
  select: string; // what to ask of the source
  rows: (result: Row | null) => Row[];
  rowKey: (row: Row) => unknown;
  most: number; // keys per upstream call
}

/** One upstream call per `most` distinct keys of one request; each parent gets the rows of its key (none without). */
function batched(batch: Batch) {
  const wanted = selection(batch.select);
  const resolve: Resolve = async (root, args, context, info) => {
    const key = batch.key(root);
    return key === null || key === undefined || key === '' ? [] : sdk(context, batch.source, batch.field)({
      root, context, info, key,
      argsFromKeys: (keys: unknown[]) => batch.args(keys, args),
      selectionSet: wanted,
      valuesFromResults: (result: Row | null, keys: unknown[]) =>
        keys.map((asked) => batch.rows(result).filter((row) => batch.rowKey(row) === asked)),
      dataLoaderOptions: { maxBatchSize: batch.most },
    });
  };
  return { selectionSet: batch.requires, resolve };
}

// -- customers: one-to-one links that need code (a guard, or Square's 10 locations per search)

const LOCATIONS_PER_SEARCH = 10; // Square's SearchOrders takes at most 10 location ids
const ORDER_SELECTION = selection('{ orders { id location_id customer_id closed_at total_money { amount currency } '
  + 'line_items { name quantity catalog_object_id total_money { amount } } } }');
let locationIds: Promise<string[]> | undefined;

/** Every store's location id, read once per process: a client keeps the store list as long. */
function allLocations(context: GatewayContext, info: unknown): Promise<string[]> {
  locationIds ??= (sdk(context, 'POS', 'ListLocations')({
    root: {}, context, info, selectionSet: selection('{ locations { id } }'),
  }) as Promise<{ locations?: Row[] } | null>).then((answer) => (answer?.locations ?? []).map((l) => l.id as string));
  locationIds.catch(() => { locationIds = undefined; });
  return locationIds;
}

/** A customer's completed receipts at every store, newest first: one SearchOrders per 10 stores, all at once. */
const receipts: Resolve = async (root, args, context, info) => {
  const ids = await allLocations(context, info);
  const chunks = Array.from({ length: Math.ceil(ids.length / LOCATIONS_PER_SEARCH) },
    (_, n) => ids.slice(n * LOCATIONS_PER_SEARCH, (n + 1) * LOCATIONS_PER_SEARCH));
  const pages = await Promise.all(chunks.map((location_ids) => sdk(context, 'POS', 'SearchOrders')({
    root, context, info, selectionSet: ORDER_SELECTION,
    args: { input: { location_ids, limit: args.limit, query: {
      filter: { customer_filter: { customer_ids: [root.id] }, state_filter: { states: ['COMPLETED'] } },
      sort: { sort_field: 'CLOSED_AT', sort_order: 'DESC' } } } },
  }) as Promise<{ orders?: Row[] } | null>));
  return pages.flatMap((page) => page?.orders ?? [])
    .sort((a, b) => instant(b.closed_at) - instant(a.closed_at))
    .slice(0, args.limit as number);
};

/** The Contact's web shop customer id; none when it has no shop account (then the shop is not asked at all). */
const shopId = (root: Row) => {
  const id = Number((root.additionalProperties as Row | null)?.Webshop_Customer_Id__c);
  return Number.isInteger(id) && id > 0 ? id : undefined;
};

/** Newest first; a Contact without a shop account has none (the shop would list everyone's without `customer`). */
const webOrders: Resolve = async (root, args, context, info) => {
  const customer = shopId(root);
  return customer === undefined ? [] : sdk(context, 'WEBSHOP', 'listOrders')({
    root, context, info, args: { customer, per_page: args.per_page, orderby: 'date', order: 'desc' },
  });
};

/** The shop answers 400 for a customer without a wishlist (TI WooCommerce Wishlist): that is no wishlist. */
const wishlists: Resolve = async (root, _args, context, info) => {
  const user_id = shopId(root);
  if (user_id === undefined) return [];
  try {
    const found = await sdk(context, 'WEBSHOP', 'wishlistsByUser')({
      root, context, info, args: { user_id }, selectionSet: selection('{ id share_key }'),
    });
    return Array.isArray(found) ? found.filter((row) => row && !(row instanceof Error)) : [];
  } catch {
    return [];
  }
};

export const linkTypeDefs = /* GraphQL */ `
  extend type Pos_CatalogObject {
    "Counts of this item variation in the given stores (Square location ids), batched across variations."
    inventory(location_ids: [String!]!): [Pos_InventoryCount!]!
  }
  extend type Erp_API_PRODUCT_Product_Type {
    "This product's list price and promotions (ERP pricing records), batched across products."
    prices: [Erp_API_SLSPRICINGCONDITIONRECORD_SRV_A_SlsPrcgCndnRecdValidityType!]!
    "This product's POS item variations (found by GTIN), batched across products: their store stock follows."
    posVariations: [Pos_CatalogObject!]!
  }
  extend type Erp_ZAPI_PRODREL_ProductRelationship_Type {
    "The related product (name, brand, GTIN), batched across relationships."
    relatedProduct: [Erp_API_PRODUCT_Product_Type!]!
    "The related product's list price and promotions, batched across relationships."
    relatedPrices: [Erp_API_SLSPRICINGCONDITIONRECORD_SRV_A_SlsPrcgCndnRecdValidityType!]!
  }
  extend type Crm_SObject {
    "A Contact's web orders, newest first (by its Webshop_Customer_Id__c); none without a shop account."
    webOrders(per_page: Int!): [Webshop_Order!]!
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
`;

export const linkResolvers = {
  Pos_CatalogObject: {
    inventory: batched({
      source: 'POS', field: 'BatchRetrieveInventoryCounts', requires: '{ id }', key: (root) => root.id,
      args: (ids, args) => ({ input: { catalog_object_ids: ids, location_ids: args.location_ids,
                                       states: ['IN_STOCK', 'RESERVED_FOR_SALE'], limit: 1000 } }),
      select: '{ counts { catalog_object_id location_id state quantity calculated_at } }',
      rows: (result) => (result?.counts as Row[] | undefined) ?? [], rowKey: (row) => row.catalog_object_id,
      most: 1000, // Square: 1,000 catalog object ids per call
    }),
  },
  Erp_API_PRODUCT_Product_Type: {
    prices: batched({
      source: 'ERP', field: PRICES, requires: '{ Product }', key: (root) => root.Product,
      args: priceArgs, select: PRICE_SELECTION, rows: v2rows, rowKey: (row) => row.Material, most: ODATA_KEYS,
    }),
    posVariations: batched({
      source: 'POS', field: 'SearchCatalogObjects', requires: '{ ProductStandardID }',
      key: (root) => root.ProductStandardID,
      args: (gtins) => ({ input: { object_types: ['ITEM_VARIATION'], limit: 1000,
                                   query: { set_query: { attribute_name: 'upc', attribute_values: gtins } } } }),
      select: '{ objects { id type item_variation_data { upc sku } } }',
      rows: (result) => (result?.objects as Row[] | undefined) ?? [],
      rowKey: (row) => (row.item_variation_data as Row | undefined)?.upc,
      most: 500, // two variations at most per GTIN within Square's 1,000 per page
    }),
  },
  Erp_ZAPI_PRODREL_ProductRelationship_Type: {
    relatedProduct: batched({
      source: 'ERP', field: 'API_PRODUCT_Product_list', requires: '{ RelatedProduct }',
      key: (root) => root.RelatedProduct,
      args: (skus) => ({ _DOLLAR_filter: orFilter('Product', skus), _DOLLAR_expand: '_ProductDescription' }),
      select: '{ value { Product ProductStandardID YY1_Brand_PRD _ProductDescription { Language ProductDescription } } }',
      rows: v4rows, rowKey: (row) => row.Product, most: ODATA_KEYS,
    }),
    relatedPrices: batched({
      source: 'ERP', field: PRICES, requires: '{ RelatedProduct }', key: (root) => root.RelatedProduct,
      args: priceArgs, select: PRICE_SELECTION, rows: v2rows, rowKey: (row) => row.Material, most: ODATA_KEYS,
    }),
  },
  Crm_SObject: {
    webOrders: { selectionSet: '{ additionalProperties }', resolve: webOrders },
    wishlists: { selectionSet: '{ additionalProperties }', resolve: wishlists },
  },
  Pos_Customer: {
    receipts: { selectionSet: '{ id }', resolve: receipts },
  },
  Webshop_WishlistItem: {
    product: batched({
      source: 'WEBSHOP', field: 'listProducts', requires: '{ product_id }', key: (root) => root.product_id,
      args: (ids) => ({ include: ids.join(','), per_page: 100 }), select: '{ id sku name price }',
      rows: (result) => (Array.isArray(result) ? result as Row[] : []), rowKey: (row) => row.id,
      most: 100, // the shop's per_page maximum
    }),
  },
  Webshop_LineItem: {
    accessories: batched({
      source: 'ERP', field: 'ZAPI_PRODREL_ProductRelationship_list', requires: '{ sku }',
      key: (root) => root.sku,
      args: (skus) => ({ _DOLLAR_filter: `RelationshipType eq 'ACC' and (${orFilter('Product', skus)})` }),
      select: '{ value { Product RelatedProduct RelationshipType SortOrder } }',
      rows: v4rows, rowKey: (row) => row.Product, most: ODATA_KEYS,
    }),
  },
};
