"""Analysis: the graph of a design, its derived terms and its back-of-envelope figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archlint.analysis.terms import Terms


def derive(design: Any, graph: Any, catalog: Any, raw: Any = None, load_factor: float = 1.0,
           zone_availability: float | None = None, region_availability: float | None = None) -> Terms:
    """The derived terms of a design with its figures attached (`terms.figures`), the
    form rules, views and reports read."""
    from archlint.analysis.figures import Figures
    from archlint.analysis.terms import Terms

    terms = Terms(design, graph, catalog, raw, load_factor, zone_availability)
    terms.figures = Figures(terms, zone_availability, region_availability)
    return terms
