"""Graph primitives over numpy arrays, at compiled speed (scipy.sparse.csgraph, numba).

Pure: no Django, no domain knowledge. Used by ``campaigns.linking``: connected components of
bipartite graphs given as edge arrays, and the pieces that removing one node leaves behind
(articulation points) from one depth-first forest.

Sequential graph walks (a depth-first search, a greedy union-find) are compiled with numba
(``jit``): the machine code is cached in ``__pycache__``, so only a process's first call of a
kernel pays for loading it, and only the first process after a change pays for compiling it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
from numba import njit
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Int32Array = npt.NDArray[np.int32]
F = TypeVar("F", bound=Callable[..., Any])


def jit(function: F) -> F:
    """Compile ``function`` to machine code (numba, nopython), cached on disk."""
    return cast(F, njit(cache=True, nogil=True)(function))


def distinct(values: IntArray) -> IntArray:
    """Sorted distinct values (a plain sort: faster than np.unique's hashing for int64)."""
    ordered = np.sort(values)
    return ordered[run_starts_mask(ordered)]


def run_starts_mask(ordered: IntArray) -> BoolArray:
    """True where a run of equal values begins in a sorted array."""
    mask = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=mask[1:])
    return mask


def run_starts(ordered: IntArray) -> IntArray:
    return np.flatnonzero(run_starts_mask(ordered))


def components(n_nodes: int, u: IntArray, v: IntArray) -> IntArray:
    """Connected-component label (the smallest node id) of every node; edges u[i]–v[i]."""
    labels = _labels(n_nodes, u, v)
    smallest = np.full(int(labels.max(initial=-1)) + 1, n_nodes, dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(n_nodes, dtype=np.int64))
    return smallest[labels]


def _labels(n_nodes: int, u: IntArray, v: IntArray) -> IntArray:
    """Component number (0, 1, ...) of every node; edges u[i]–v[i] (scipy, compiled)."""
    if n_nodes == 0:
        return np.zeros(0, dtype=np.int64)
    matrix = csr_array((np.ones(len(u), dtype=np.int8), (u, v)), shape=(n_nodes, n_nodes))
    _, labels = connected_components(matrix, directed=False)
    return np.asarray(labels, dtype=np.int64)


def _index_type(n_nodes: int, n_edges: int) -> type[np.signedinteger[Any]]:
    """scipy's compiled graph routines take 32-bit indices when they fit."""
    return np.int32 if max(n_nodes, n_edges) < 2**31 - 1 else np.int64


def bipartite_labels(n_rows: int, n_cols: int, rows: IntArray, cols: IntArray) -> IntArray:
    """Component number of rows 0..n_rows-1, then of columns, joined by edges rows[i]–cols[i].

    Edges sorted by row (as ``Graph.from_arrays`` keeps them) give the sparse matrix directly.
    """
    if n_rows + n_cols == 0:
        return np.zeros(0, dtype=np.int64)
    if len(rows) > 1 and (rows[1:] < rows[:-1]).any():
        order = np.argsort(rows, kind="stable")
        rows, cols = rows[order], cols[order]
    n_nodes = n_rows + n_cols
    index = _index_type(n_nodes, len(rows))
    indptr = np.full(n_nodes + 1, len(rows), dtype=index)
    indptr[: n_rows + 1] = np.searchsorted(rows, np.arange(n_rows + 1))
    data = np.ones(len(rows), dtype=np.float64)  # scipy's own types: no conversion copies
    matrix = csr_array((data, (cols + n_rows).astype(index), indptr), shape=(n_nodes, n_nodes))
    _, labels = connected_components(matrix, directed=False)
    return np.asarray(labels, dtype=np.int64)


def articulations(
    n_complaints: int, n_fam: int, comp: IntArray, fam: IntArray, min_piece: int
) -> dict[int, tuple[int, int]]:
    """Families whose removal leaves two pieces of ``min_piece`` complaints or more.

    One depth-first forest over complaints (rows) and families (columns), rooted at complaints
    (Tarjan's low points, compiled): a family's child subtree whose low point does not reach
    above the family is a piece of its own, and what remains of the component is one more.
    Returns each such family's two largest pieces. Repeated edges are harmless.
    """
    if not len(comp):
        return {}
    indptr, adjacent = _adjacency(n_complaints, n_fam, comp, fam)
    big, first, second = _low_points(indptr, adjacent, n_complaints, min_piece)
    hit = np.flatnonzero(big & (second >= min_piece))
    return {
        f: (a, b)
        for f, a, b in zip(hit.tolist(), first[hit].tolist(), second[hit].tolist(), strict=True)
    }


@jit
def _adjacency(
    n_comp: int, n_fam: int, comp: IntArray, fam: IntArray
) -> tuple[IntArray, Int32Array]:
    """Both directions of the complaint–family edges as one adjacency (CSR, counting sort)."""
    n = n_comp + n_fam
    indptr = np.zeros(n + 1, dtype=np.int64)
    for i in range(len(comp)):
        indptr[comp[i] + 1] += 1
        indptr[n_comp + fam[i] + 1] += 1
    for v in range(n):
        indptr[v + 1] += indptr[v]
    fill = indptr[:-1].copy()
    adjacent = np.empty(2 * len(comp), dtype=np.int32)  # half the memory to walk
    for i in range(len(comp)):
        c, f = comp[i], n_comp + fam[i]
        adjacent[fill[c]] = f
        fill[c] += 1
        adjacent[fill[f]] = c
        fill[f] += 1
    return indptr, adjacent


@jit
def _low_points(
    indptr: IntArray, adjacent: Int32Array, n_comp: int, min_piece: int
) -> tuple[BoolArray, IntArray, IntArray]:
    """Iterative depth-first search; per family: has a piece >= min_piece, its two largest pieces.

    Roots are complaints, so a family always has a parent, and "what remains" of its component
    (the component's complaints outside its separated subtrees) is one piece more.
    """
    n = len(indptr) - 1
    n_fam = n - n_comp
    disc = np.full(n, -1, dtype=np.int32)
    low = np.zeros(n, dtype=np.int32)
    weight = np.zeros(n, dtype=np.int32)  # complaints in the subtree
    parent = np.full(n, -1, dtype=np.int32)
    cursor = indptr[:-1].copy()
    stack = np.empty(n, dtype=np.int32)
    own = np.zeros(n_fam, dtype=np.int64)  # complaints in separated subtrees
    top = np.zeros((n_fam, 2), dtype=np.int64)  # the two largest separated subtrees
    big = np.zeros(n_fam, dtype=np.bool_)
    tree = np.zeros(n_fam, dtype=np.int64)  # the family's component, by its size
    tree_size = np.zeros(n_comp, dtype=np.int64)
    clock = 0
    for root in range(n_comp):
        if disc[root] >= 0 or indptr[root] == indptr[root + 1]:
            continue
        disc[root] = low[root] = clock
        clock += 1
        stack[0], depth = root, 1
        while depth:
            v = stack[depth - 1]
            if cursor[v] < indptr[v + 1]:
                w = adjacent[cursor[v]]
                cursor[v] += 1
                if disc[w] < 0:
                    parent[w] = v
                    disc[w] = low[w] = clock
                    clock += 1
                    stack[depth] = w
                    depth += 1
                elif w != parent[v]:
                    low[v] = min(low[v], disc[w])
                continue
            depth -= 1
            if v < n_comp:
                weight[v] += 1
                tree_size[root] += 1
            else:
                tree[v - n_comp] = root
            p = parent[v]
            if p < 0:
                continue
            low[p] = min(low[p], low[v])
            weight[p] += weight[v]
            if p >= n_comp and low[v] >= disc[p]:
                f, piece = p - n_comp, weight[v]
                own[f] += piece
                big[f] |= piece >= min_piece
                if piece > top[f, 0]:
                    top[f, 1], top[f, 0] = top[f, 0], piece
                elif piece > top[f, 1]:
                    top[f, 1] = piece
    first = np.zeros(n_fam, dtype=np.int64)
    second = np.zeros(n_fam, dtype=np.int64)
    for f in range(n_fam):
        rest = tree_size[tree[f]] - own[f]
        a, b = top[f, 0], top[f, 1]
        first[f], second[f] = max(a, rest), max(min(a, rest), b)
    return big, first, second


@jit
def sort_positions(labels: IntArray) -> IntArray:
    """Where each element lands when stably sorted by its label (>= 0): a counting sort."""
    if not len(labels):
        return np.zeros(0, dtype=np.int64)
    start = np.zeros(labels.max() + 2, dtype=np.int64)
    for label in labels:
        start[label + 1] += 1
    for i in range(1, len(start)):
        start[i] += start[i - 1]
    position = np.empty(len(labels), dtype=np.int64)
    for i, label in enumerate(labels):
        position[i] = start[label]
        start[label] += 1
    return position


@jit
def sort_runs(values: IntArray, starts: IntArray) -> IntArray:
    """A copy of ``values`` with each run ``values[starts[i]:starts[i + 1]]`` sorted.

    Runs are mostly a handful of values: insertion sort, and the library sort for long ones.
    """
    out = values.copy()
    for i in range(len(starts)):
        start = starts[i]
        stop = starts[i + 1] if i + 1 < len(starts) else len(out)
        if stop - start > 16:
            out[start:stop].sort()
            continue
        for j in range(start + 1, stop):
            value, k = out[j], j - 1
            while k >= start and out[k] > value:
                out[k + 1] = out[k]
                k -= 1
            out[k + 1] = value
    return out


def compact(values: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct values (ascending) and each value's index among them, without sorting."""
    seen = np.zeros(int(values.max(initial=-1)) + 1, dtype=bool)
    seen[values] = True
    return np.flatnonzero(seen), (np.cumsum(seen) - 1)[values]
