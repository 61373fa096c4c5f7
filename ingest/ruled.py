"""Ruled tables from explicit ruling lines: pdfplumber's table finder without a pdfminer page.

Both PDF engines hand their lines over as pdfplumber edge dicts; explicit lines need no page, so PDFium
pages are never parsed by pdfminer for their tables.
"""

from __future__ import annotations

from pdfplumber.table import Table, TableSettings, cells_to_tables, edges_to_intersections, merge_edges
from pdfplumber.utils import filter_edges, obj_to_bbox


def find_tables(h_edges: list, v_edges: list) -> list[Table]:
    """pdfplumber's page.find_tables with explicit lines, step by step as its TableFinder runs them, but
    without a page (explicit lines need none) and with `_cells` for its intersections_to_cells."""
    settings = TableSettings.resolve({"vertical_strategy": "explicit", "horizontal_strategy": "explicit"})
    edges = merge_edges(v_edges + h_edges, settings.snap_x_tolerance, settings.snap_y_tolerance,
                        settings.join_x_tolerance, settings.join_y_tolerance)
    edges = filter_edges(edges, min_length=settings.edge_min_length)
    points = edges_to_intersections(edges, settings.intersection_x_tolerance, settings.intersection_y_tolerance)
    return [Table(None, cells) for cells in cells_to_tables(_cells(points))]


def _cells(intersections: dict) -> list[tuple]:
    """pdfplumber's intersections_to_cells, same cells in the same order, with each point's edges made
    into sets once: its nested helpers, rebuilt at every call, cost most of the table search."""
    v = {p: set(map(obj_to_bbox, e["v"])) for p, e in intersections.items()}
    h = {p: set(map(obj_to_bbox, e["h"])) for p, e in intersections.items()}

    def connects(p1, p2) -> bool:
        return (p1[0] == p2[0] and not v[p1].isdisjoint(v[p2])) or (p1[1] == p2[1] and not h[p1].isdisjoint(h[p2]))

    points = sorted(intersections)
    columns: dict[float, list] = {}  # the points below each point are those after it at the same x
    lines: dict[float, list] = {}
    for p in points:
        columns.setdefault(p[0], []).append(p)
        lines.setdefault(p[1], []).append(p)
    cells = []
    for pt in points:
        below = [p for p in columns[pt[0]] if p[1] > pt[1]]
        right = [p for p in lines[pt[1]] if p[0] > pt[0]]
        cell = next(((pt[0], pt[1], r[0], b[1]) for b in below if connects(pt, b) for r in right
                     if connects(pt, r) and (r[0], b[1]) in intersections
                     and connects((r[0], b[1]), r) and connects((r[0], b[1]), b)), None)
        if cell:
            cells.append(cell)
    return cells
