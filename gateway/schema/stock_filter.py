"""How a stock-filtered field reaches the availability index (gateway/availability/): the sets as of now, or
an empty answer that says the index is warming."""

from graphql import GraphQLError
from strawberry.types import Info

from ..availability import IndexWarming, SellableSets, current_sets
from ..context import Context


async def sellable_sets(info: Info[Context, None]) -> SellableSets | None:
    """None while the index has never been built, with a `WARMING_UP` error on the field (which answers empty)."""
    ctx = info.context
    try:
        return await current_sets(ctx.reference.availability, ctx.now, ctx.settings.availability_stale_s)
    except IndexWarming as error:
        ctx.partial_errors.append(GraphQLError(str(error), path=list(info.path.as_list()),
                                               extensions=error.extensions))
        return None


async def built_sets(info: Info[Context, None]) -> SellableSets | None:
    """The sets when the index is built (as `sellable_sets`), else None at once and without an error: for a field
    that can still answer without it (asking the POS about a few stores, as before the index)."""
    return await sellable_sets(info) if info.context.reference.availability.sets is not None else None
