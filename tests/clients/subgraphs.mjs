// The two subgraphs Omnigate is composed with: reviews, which extends Product by sku and points back to it,
// and a marketplace with its own PageInfo and Money, as many subgraphs have. Both are served on 127.0.0.1.

import { createServer } from "node:http";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { graphql, parse } from "graphql";

export const REVIEWS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key"])

type Product @key(fields: "sku") {
  sku: String!
  reviews: [Review!]!
}

type Review {
  id: ID!
  rating: Int!
  body: String!
  product: Product!
}

type Query {
  latestReviews(first: Int = 10): [Review!]!
}
`;

export const MARKETPLACE_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@shareable"])

scalar Decimal

type Money @shareable {
  amount: Decimal!
  currencyCode: String!
}

type PageInfo @shareable {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type Offer {
  id: ID!
  seller: String!
  sku: String!
  price: Money!
}

type OfferEdge {
  cursor: String!
  node: Offer!
}

type OfferConnection {
  edges: [OfferEdge!]!
  pageInfo: PageInfo!
}

type Query {
  offers(first: Int = 10): OfferConnection!
}
`;

export function reviewsSchema(reviews) {
  return buildSubgraphSchema({
    typeDefs: parse(REVIEWS_SDL),
    resolvers: {
      Query: { latestReviews: (_, { first }) => reviews.slice(0, first) },
      Review: { product: (review) => ({ sku: review.sku }) },
      Product: {
        __resolveReference: ({ sku }) => ({ sku }),
        reviews: ({ sku }) => reviews.filter((review) => review.sku === sku),
      },
    },
  });
}

export function marketplaceSchema(offers) {
  return buildSubgraphSchema({
    typeDefs: parse(MARKETPLACE_SDL),
    resolvers: {
      Query: {
        offers: (_, { first }) => {
          const edges = offers.slice(0, first).map((node, index) => ({ cursor: String(index), node }));
          return {
            edges,
            pageInfo: {
              hasNextPage: offers.length > edges.length,
              hasPreviousPage: false,
              startCursor: edges.at(0)?.cursor ?? null,
              endCursor: edges.at(-1)?.cursor ?? null,
            },
          };
        },
      },
    },
  });
}

/** The subgraph list composition takes; the URLs end up in the supergraph for a gateway to call. */
export function subgraphs(omnigateSdl, urls) {
  return [
    { name: "omnigate", typeDefs: parse(omnigateSdl), url: urls.omnigate },
    { name: "reviews", typeDefs: parse(REVIEWS_SDL), url: urls.reviews },
    { name: "marketplace", typeDefs: parse(MARKETPLACE_SDL), url: urls.marketplace },
  ];
}

/** GraphQL over HTTP POST on 127.0.0.1, a free port; resolves to the URL and a way to stop. */
export async function serve(schema) {
  const server = createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    const { query, variables, operationName } = JSON.parse(body);
    const result = await graphql({ schema, source: query, variableValues: variables, operationName });
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(result));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/graphql`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
