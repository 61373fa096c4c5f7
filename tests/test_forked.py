"""Forked workers (`ingest/forked.py`) leave what they inherit out of their garbage collector."""

import gc

from ingest import forked


def _tracked_here(_: int) -> tuple[int, int]:
    return len(gc.get_objects()), gc.get_freeze_count()


def test_a_worker_does_not_walk_the_objects_it_inherited():
    """Else each full collection in a worker walks (and copies the pages of) every object of the parent:
    a third more CPU for reading the long filing's pages (bench/RESULTS.md, session 19)."""
    inherited = [[i] for i in range(200_000)]  # tracked objects, as a loaded model's are
    parent = len(gc.get_objects())
    [(walked, frozen)] = forked.map_in_workers(_tracked_here, [(0,)], workers=1)
    assert frozen >= parent >= len(inherited)
    assert walked < parent / 10
    assert len(gc.get_objects()) >= parent - 1000 and gc.get_freeze_count() == 0  # the parent is left as it was
