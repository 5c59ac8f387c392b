"""Which documents the response cache may keep: queries that read public catalog, price, store and stock data
only, and the kinds of data each holds (so its TTL is bounded by theirs and writes know what they outdate).

Decided once per document from the schema's types, never from the answer: a type not listed here (a customer,
an order, an appointment, the price audit) makes the whole document uncacheable, whatever the caller.
"""

from collections.abc import Mapping
from enum import StrEnum

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    is_leaf_type,
    visit,
)


class Kind(StrEnum):
    CATALOG = "catalog"
    PRICE = "price"
    STOCK = "stock"  # what the tills, the web shop and Omnigate's own holds change minute by minute
    STORE = "store"


PUBLIC_ROOTS = frozenset({"product", "productByGtin", "products", "searchProducts", "store", "storeByCode", "stores"})
TYPE_KINDS: Mapping[str, Kind | None] = {
    "Product": Kind.CATALOG, "ProductConnection": Kind.CATALOG, "ProductEdge": Kind.CATALOG,
    "PageInfo": None, "Image": Kind.CATALOG, "Attribute": Kind.CATALOG,
    "Price": Kind.PRICE, "ChannelPrice": Kind.PRICE, "Money": None,
    "OnlineAvailability": Kind.STOCK, "StoreAvailability": Kind.STOCK,
    "Store": Kind.STORE, "StoreConnection": Kind.STORE, "StoreEdge": Kind.STORE,
    "OpeningHours": Kind.STORE, "GeoPoint": None,
}
# fields whose answer turns with the clock, not with data: kept no longer than stock
CLOCK_FIELDS = frozenset({("Store", "isOpen")})
# arguments that filter by stock: the list itself is stock data
STOCK_ARGUMENTS = frozenset({("searchProducts", "availableAt"), ("stores", "inStockSkus")})


class _Uncacheable(Exception):
    pass


class _Kinds(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.kinds: set[Kind] = set()

    def enter_field(self, node: FieldNode, *_: object) -> None:
        name = node.name.value
        if name == "__typename":
            return
        parent = self.type_info.get_parent_type()
        parent_name = parent.name if parent is not None else ""
        if parent_name == "Query":
            if name not in PUBLIC_ROOTS:
                raise _Uncacheable(name)
            if any((name, a.name.value) in STOCK_ARGUMENTS for a in node.arguments or ()):
                self.kinds.add(Kind.STOCK)
        elif parent_name not in TYPE_KINDS:
            raise _Uncacheable(parent_name)
        if (parent_name, name) in CLOCK_FIELDS:
            self.kinds.add(Kind.STOCK)
        returned = self.type_info.get_type()
        named = get_named_type(returned) if returned is not None else None
        if named is None:
            raise _Uncacheable(name)
        if not is_leaf_type(named):
            if named.name not in TYPE_KINDS:
                raise _Uncacheable(named.name)
            if (kind := TYPE_KINDS[named.name]) is not None:
                self.kinds.add(kind)


def public_kinds(schema: GraphQLSchema, document: DocumentNode,
                 operation: OperationDefinitionNode) -> frozenset[Kind] | None:
    """The kinds of data a query reads when it reads public data only; None when it may not be cached.

    Every fragment of the document is walked, used or not: conservative, and a document is only valid when
    each of its fragments is used anyway.
    """
    if operation.operation is not OperationType.QUERY:
        return None
    type_info = TypeInfo(schema)
    kinds = _Kinds(type_info)
    try:
        visit(operation, TypeInfoVisitor(type_info, kinds))
        for definition in document.definitions:
            if definition is not operation and not isinstance(definition, OperationDefinitionNode):
                type_info = TypeInfo(schema)
                kinds.type_info = type_info
                visit(definition, TypeInfoVisitor(type_info, kinds))
    except _Uncacheable:
        return None
    return frozenset(kinds.kinds)
