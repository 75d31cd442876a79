"""Graph primitives over numpy arrays, at compiled speed (scipy.sparse.csgraph).

Pure: no Django, no domain knowledge. Used by ``campaigns.linking``: connected components of
bipartite graphs given as edge arrays, and the pieces that removing one node leaves behind
(articulation points) from one depth-first forest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, depth_first_order

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


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


@dataclass
class _Tree:
    """A depth-first forest in preorder: parent position, subtree end, complaints per subtree."""

    node: IntArray  # node at each preorder position
    parent: IntArray  # preorder position of the parent (-1 at the root)
    end: IntArray  # the subtree of position i is [i, end[i])
    low: IntArray  # smallest preorder position adjacent to the subtree
    weight: IntArray  # complaints in the subtree


def articulations(
    n_complaints: int, n_fam: int, comp: IntArray, fam: IntArray, min_piece: int
) -> dict[int, tuple[int, int]]:
    """Families whose removal leaves two pieces of ``min_piece`` complaints or more.

    Complaints (rows) and families (columns) of components big enough for two such pieces go
    into one depth-first forest; a family's child subtree whose low point does not reach above
    the family is a piece of its own, and what remains of the component is one more. scipy's
    traversal rescans a node's neighbours each time it returns to it, so a family with many
    child subtrees costs degree x children: complaints that name one family are folded away
    first (stars vanish), and families spread over many groups were refused as hubs before.
    """
    labels = bipartite_labels(n_complaints, n_fam, comp, fam)
    sizes = np.bincount(labels[:n_complaints], minlength=n_complaints + n_fam)
    inside = sizes[labels[comp]] >= 2 * min_piece
    comp, fam = comp[inside], fam[inside]
    leaf = np.zeros(len(comp), dtype=bool)
    if min_piece >= 2:  # a complaint naming one family is a piece of one: fold it into its family
        leaf = np.bincount(comp, minlength=n_complaints)[comp] == 1
    leaves = np.bincount(fam[leaf], minlength=n_fam)
    comp, fam = comp[~leaf], fam[~leaf]
    if not len(comp):
        return {}
    tree, fam_ids = _dfs(comp, fam, labels[comp], leaves)
    child = np.arange(1, len(tree.node))
    parent_node = tree.node[tree.parent[child]]
    is_fam = (parent_node >= 0) & (parent_node < len(fam_ids))
    separated = child[is_fam & (tree.low[child] >= tree.parent[child])]
    owner = tree.node[tree.parent[separated]]
    pieces = tree.weight[separated]
    big = np.unique(owner[pieces >= min_piece])
    found: dict[int, tuple[int, int]] = {}
    for f in big.tolist():
        own = pieces[owner == f].tolist()
        fid = int(fam_ids[f])
        rest = int(sizes[labels[fid + n_complaints]]) - sum(own) - int(leaves[fid])
        ranked = sorted([*own, rest], reverse=True)
        if ranked[1] >= min_piece:
            found[fid] = (ranked[0], ranked[1])
    return found


def _dfs(
    comp: IntArray, fam: IntArray, label: IntArray, leaves: IntArray
) -> tuple[_Tree, IntArray]:
    """One depth-first forest over the complaint–family graph (scipy's compiled DFS).

    Nodes: families (0..F-1), complaints, then one chain node per component; the chain links the
    components' first complaints so a single traversal from the chain's head covers them all
    (a single head adjacent to every component would be rescanned once per component).
    """
    fam_ids, fam_local = compact(fam)
    comp_ids, comp_local = compact(comp)
    n_fam, n_comp = len(fam_ids), len(comp_ids)
    comp_label = np.zeros(n_comp, dtype=np.int64)
    comp_label[comp_local] = label
    first = np.flatnonzero(_first_seen(comp_label))
    graph = _adjacency(comp_local, fam_local, first, n_fam)
    found = depth_first_order(graph, n_fam + n_comp, directed=True, return_predecessors=True)
    order = np.asarray(found[0], dtype=np.int64)
    weight = np.concatenate(
        [leaves[fam_ids], np.ones(n_comp, np.int64), np.zeros(len(first), np.int64)]
    )
    predecessor = np.asarray(found[1], dtype=np.int64)
    return _tree(order, predecessor, weight, comp_local + n_fam, fam_local), fam_ids


def _adjacency(comp: IntArray, fam: IntArray, first: IntArray, n_fam: int) -> csr_array:
    """Rows of families, complaints (``comp`` ascending) and chain nodes, built without sorting.

    The chain runs one way (chain -> its complaint, chain -> next chain): the traversal needs no
    more, and the components' first complaints are ancestors of every family, so no low point
    ever looks at them.
    """
    n_comp, n_chain = int(comp[-1]) + 1, len(first)
    n_nodes = n_fam + n_comp + n_chain
    index = _index_type(n_nodes, 2 * len(comp) + 2 * n_chain)
    by_comp = np.searchsorted(comp, np.arange(n_comp + 1)).astype(index)
    pairs = csr_array((np.ones(len(comp)), fam.astype(index), by_comp), shape=(n_comp, n_fam))
    by_fam = pairs.tocsc()  # compiled transpose: each family's complaints
    chain = np.empty(2 * n_chain - 1, dtype=index)
    chain[0::2] = n_fam + first
    chain[1::2] = n_fam + n_comp + np.arange(1, n_chain)
    indices = np.empty(2 * len(comp) + len(chain), dtype=index)
    indices[: len(comp)] = by_fam.indices
    indices[: len(comp)] += n_fam
    indices[len(comp) : 2 * len(comp)] = pairs.indices
    indices[2 * len(comp) :] = chain
    indptr = np.concatenate(
        [
            by_fam.indptr[:-1],
            len(comp) + by_comp[:-1],
            2 * len(comp) + np.minimum(2 * np.arange(n_chain + 1), 2 * n_chain - 1),
        ]
    ).astype(index)
    return csr_array((np.ones(len(indices)), indices, indptr), shape=(n_nodes, n_nodes))


def compact(values: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct values (ascending) and each value's index among them, without sorting."""
    seen = np.zeros(int(values.max(initial=-1)) + 1, dtype=bool)
    seen[values] = True
    return np.flatnonzero(seen), (np.cumsum(seen) - 1)[values]


def _first_seen(values: IntArray) -> BoolArray:
    """True at the first occurrence of each value."""
    first = np.full(int(values.max(initial=-1)) + 1, len(values), dtype=np.int64)
    np.minimum.at(first, values, np.arange(len(values), dtype=np.int64))
    mask = np.zeros(len(values), dtype=bool)
    mask[first[first < len(values)]] = True
    return mask


def _tree(
    order: IntArray, predecessor: IntArray, weight: IntArray, u: IntArray, v: IntArray
) -> _Tree:
    """Preorder positions, subtree ends and low points of a depth-first forest; edges u[i]–v[i].

    In a depth-first forest every non-tree edge joins a node to an ancestor, so only the deeper
    end of an edge can have its low point lowered by it.
    """
    n = len(order)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n, dtype=np.int64)
    parent = np.full(n, -1, dtype=np.int64)
    parent[1:] = position[predecessor[order[1:]]]
    last = np.arange(n, dtype=np.int64)  # last descendant: follow the last child down
    np.maximum.at(last, parent[1:], np.arange(1, n, dtype=np.int64))
    while not np.array_equal(deeper := last[last], last):
        last = deeper
    near = np.arange(n, dtype=np.int64)  # by preorder position: the closest neighbour's
    pu, pv = position[u], position[v]
    np.minimum.at(near, np.maximum(pu, pv), np.minimum(pu, pv))
    end = last + 1
    total = np.concatenate([[0], np.cumsum(weight[order])])
    node = order.copy()
    return _Tree(node, parent, end, _range_min(near, np.arange(n), end), total[end] - total[:-1])


def _range_min(values: IntArray, start: IntArray, stop: IntArray) -> IntArray:
    """min(values[start[i]:stop[i]]) of non-empty ranges, from a sparse table built level by level."""
    level = np.frexp((stop - start).astype(np.float64))[1] - 1  # floor(log2(length))
    out = np.empty(len(start), dtype=np.int64)
    table = values
    top = int(level.max(initial=-1))
    for k in range(top + 1):
        sel = np.flatnonzero(level == k)
        out[sel] = np.minimum(table[start[sel]], table[stop[sel] - (1 << k)])
        if k < top:  # table[i] becomes min(values[i : i + 2 ** (k + 1)])
            table = np.minimum(table[: len(table) - (1 << k)], table[1 << k :])
    return out
