"""The seeded, deterministic demo world all simulators share."""

from .categories import CATEGORIES, CategoryDef
from .records import (
                      Booking,
                      DemoCustomer,
                      DemoProduct,
                      DemoStore,
                      Line,
                      Note,
                      Period,
                      Promotion,
                      Receipt,
                      Relation,
                      WebOrder,
                      WishItem,
)
from .vocabulary import APPOINTMENT_SERVICES
from .world import Scale, StockFigure, World, build_world

__all__ = [
    "APPOINTMENT_SERVICES", "CATEGORIES", "Booking", "CategoryDef", "DemoCustomer", "DemoProduct", "DemoStore",
    "Line", "Note", "Period", "Promotion", "Receipt", "Relation", "Scale", "StockFigure", "WebOrder", "WishItem",
    "World", "build_world",
]
