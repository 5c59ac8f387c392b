"""Products with GTINs, prices, promotions, accessories and each system's copy.

The deliberate inconsistencies of a real estate are drawn here, in exact
numbers so tests can count them: about 1% of POS and web shop prices differ
from the ERP's, about 0.5% of web shop skus differ only by case or spaces, and
a few articles are delisted.
"""

import random
from datetime import date, timedelta

from .categories import CATEGORIES, CategoryDef, product_name
from .rand import PURPOSE_DRIFT, PURPOSE_ONLINE, PURPOSE_PRODUCT, mix, rng, unit, weighted
from .records import DemoProduct, Promotion, Relation

PRICE_DRIFT_SHARE = 0.01
SKU_DRIFT_SHARE = 0.005
DELISTED_SHARE = 0.006
ONLINE_SHARE = 0.96
NAME_TRIES = 8
IMAGE_BASE = "https://images.omnigate.example/products"


def gtin13(body12: str) -> str:
    """Appends the GS1 check digit to twelve digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def build_products(seed: int, count: int, as_of: date) -> tuple[DemoProduct, ...]:
    names: set[str] = set()
    drafts = [_draft(seed, i, as_of, names) for i in range(count)]
    delisted = _chosen(seed, count, DELISTED_SHARE, 1)
    listed = [i for i in range(count) if i not in delisted]
    pos_drift = _chosen_among(seed, listed, PRICE_DRIFT_SHARE, 2)
    web_drift = _chosen_among(seed, listed, PRICE_DRIFT_SHARE, 3)
    online = [i for i in listed if unit(seed, PURPOSE_ONLINE, i, 0) < ONLINE_SHARE]
    sku_drift = _chosen_among(seed, online, SKU_DRIFT_SHARE, 4)
    webshop_ids = _webshop_ids(seed, online)
    by_category = _by_category(drafts, delisted)
    products = []
    for i, d in enumerate(drafts):
        price = _current_price(d["list_price"], d["promotions"], as_of)
        products.append(DemoProduct(
            **d, delisted=i in delisted,
            relations=_relations(seed, i, d, by_category),
            pos_price=_drifted(seed, i, price, 2) if i in pos_drift else price,
            webshop_id=webshop_ids.get(i),
            webshop_sku=_sku_variant(seed, i, d["sku"]) if i in sku_drift else d["sku"],
            webshop_price=_drifted(seed, i, price, 3) if i in web_drift else price,
            online_stock=_online_stock(seed, i),
        ))
    return tuple(products)


def _draft(seed: int, index: int, as_of: date, names: set[str]) -> dict:  # type: ignore[type-arg]
    r = rng(seed, PURPOSE_PRODUCT, index)
    cat = weighted(r, CATEGORIES, [c.weight for c in CATEGORIES])
    brand, lines = r.choice(cat.lines)
    attributes = tuple((attr, r.choice(values)) for attr, values in cat.attributes)
    name = _unique_name(r, cat, (brand, r.choice(lines)), dict(attributes), names)
    low, high = cat.price_range
    list_price = round(r.uniform(low, high)) * 100 - r.choice((1, 10, 0))
    return {
        "index": index, "sku": f"{cat.code}-{10000 + index}",
        "gtin": gtin13(f"3{r.randint(600, 799)}{index:08d}"),
        "name": name, "description": f"{name}. {cat.name}, garantie 2 ans.",
        "brand": brand, "category": cat.code,
        "attributes": attributes,
        "images": tuple((f"{IMAGE_BASE}/{cat.code}-{10000 + index}/{n}.jpg", f"{name}, vue {n}")
                        for n in range(1, r.randint(2, 4))),
        "weight_grams": r.randint(50, 15000), "list_price": list_price,
        "promotions": _promotions(r, list_price, as_of),
    }


def _unique_name(r: random.Random, cat: CategoryDef, brand_line: tuple[str, str], attributes: dict[str, str],
                 taken: set[str]) -> str:
    """Another model number or variant while the name is taken, a few times: a shop tells its products apart."""
    named = tuple(attributes[attr] for attr in cat.named)
    for _ in range(NAME_TRIES):
        name = product_name(*brand_line, r.choice(cat.models), (r.choice(cat.variants), *named))
        if name not in taken:
            break
    taken.add(name)
    return name


def _promotions(r: random.Random, list_price: int, as_of: date) -> tuple[Promotion, ...]:
    roll = r.random()
    if roll > 0.12:
        return ()
    price = int(list_price * r.uniform(0.7, 0.9)) // 100 * 100 - 1
    if roll < 0.08:  # running now
        return (Promotion(price, as_of - timedelta(days=r.randint(1, 20)), as_of + timedelta(days=r.randint(3, 30))),)
    start = as_of - timedelta(days=r.randint(60, 120))  # over already: must not apply
    return (Promotion(price, start, start + timedelta(days=14)),)


def _current_price(list_price: int, promotions: tuple[Promotion, ...], as_of: date) -> int:
    return next((p.price for p in promotions if p.starts <= as_of <= p.ends), list_price)


def _chosen(seed: int, count: int, share: float, salt: int) -> set[int]:
    return _chosen_among(seed, list(range(count)), share, salt)


def _chosen_among(seed: int, indexes: list[int], share: float, salt: int) -> set[int]:
    """Exactly round(share * n), at least one, picked by hash."""
    n = max(1, round(share * len(indexes)))
    return set(sorted(indexes, key=lambda i: mix(seed, PURPOSE_DRIFT, salt, i))[:n])


def _drifted(seed: int, index: int, price: int, salt: int) -> int:
    delta = (1 + mix(seed, PURPOSE_DRIFT, salt, index, 9) % 5) * 100
    return price + delta if mix(seed, PURPOSE_DRIFT, salt, index, 7) % 2 or price <= delta else price - delta


def _sku_variant(seed: int, index: int, sku: str) -> str:
    variants = (sku.lower(), f"{sku} ", f" {sku}", sku.replace("-", " - "), sku.capitalize())
    return variants[mix(seed, PURPOSE_DRIFT, 5, index) % len(variants)]


def _webshop_ids(seed: int, online: list[int]) -> dict[int, int]:
    """The web shop numbers products in its own order, unrelated to the sku."""
    shuffled = sorted(online, key=lambda i: mix(seed, PURPOSE_ONLINE, i, 1))
    return {product: 2000 + n for n, product in enumerate(shuffled)}


def _online_stock(seed: int, index: int) -> int:
    roll = unit(seed, PURPOSE_ONLINE, index, 2)
    return 0 if roll < 0.1 else int(roll * 80)


def _by_category(drafts: list[dict], delisted: set[int]) -> dict[str, list[tuple[int, str]]]:  # type: ignore[type-arg]
    groups: dict[str, list[tuple[int, str]]] = {c.code: [] for c in CATEGORIES}
    for d in drafts:
        if d["index"] not in delisted:
            groups[d["category"]].append((d["index"], d["brand"]))
    return groups


def _relations(seed: int, index: int, draft: dict,  # type: ignore[type-arg]
               by_category: dict[str, list[tuple[int, str]]]) -> tuple[Relation, ...]:
    """Two or three products of each related category, one of the same brand first when there is one."""
    cat: CategoryDef = next(c for c in CATEGORIES if c.code == draft["category"])
    r = rng(seed, PURPOSE_PRODUCT, index, 1)
    relations: list[Relation] = []
    for target, kind in cat.goes_with:
        pool = by_category[target]
        if not pool:
            continue
        picks = r.sample(pool, min(len(pool), 8))
        picks.sort(key=lambda p: p[1] != draft["brand"])
        start = len(relations) + 1
        relations += [Relation(f"{target}-{10000 + p}", kind, start + n)
                      for n, (p, _) in enumerate(picks[: r.randint(2, 3)])]
    return tuple(relations)
