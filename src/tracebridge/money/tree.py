"""Layout of a trail as a left-to-right tree for a server-rendered SVG (no scripts, no styles
inline: the page's CSP forbids both, so shapes carry classes styled by money.css)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tracebridge.money.accounts import account_form
from tracebridge.money.trace import ATM, LOOP, OFF_RAMP, PAYMENT, Trail

COLUMN, ROW, BOX_W, BOX_H, PAD = 300, 66, 210, 52, 16
MAX_PER_LAYER = 12


@dataclass
class Node:
    key: str
    label: str
    layer: int
    x: int = 0
    y: int = 0
    received: str = ""
    holdable: str = ""
    cashed_out: str = ""
    css: str = "node"


@dataclass
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    amount: str
    css: str = "edge"

    @property
    def label_x(self) -> int:
        # In the gap between the columns, near the receiving end, clear of the boxes.
        return self.x2 - (COLUMN - BOX_W) // 2 if self.x2 > self.x1 else (self.x1 + self.x2) // 2

    @property
    def label_y(self) -> int:
        return self.y2 - 4


@dataclass
class Tree:
    width: int
    height: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    hidden: int = 0  # accounts left out of the picture (still in the tables)


def _fmt(minor: int) -> str:
    return f"{Decimal(minor) / 100:,.2f}"


def _short(key: str, limit: int = 28) -> str:
    text = account_form(key)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layout(trail: Trail) -> Tree:
    nodes: dict[str, Node] = {}
    for victim in dict.fromkeys(trail.victims):
        nodes[victim] = Node(victim, _short(victim), 0, css="node victim")
    by_layer: dict[int, list[Node]] = {}
    hidden = 0
    holdings = sorted(trail.accounts.values(), key=lambda h: (h.layer, -h.received, h.key))
    for h in holdings:
        column = by_layer.setdefault(h.layer, [])
        if len(column) >= MAX_PER_LAYER or h.key in nodes:
            hidden += h.key not in nodes
            continue
        css = "node" + (" hold" if h.holdable > 0 else "") + (" cash" if h.cashed_out else "")
        node = Node(h.key, _short(h.key), h.layer, received=_fmt(h.received),
                    holdable=_fmt(h.holdable), cashed_out=_fmt(h.cashed_out), css=css)  # fmt: skip
        column.append(node)
        nodes[h.key] = node
    by_layer[0] = [n for n in nodes.values() if n.layer == 0]
    for layer, column in by_layer.items():
        for i, node in enumerate(column):
            node.x, node.y = PAD + layer * COLUMN, PAD + i * ROW
    tall = max((len(c) for c in by_layer.values()), default=1)
    tree = Tree(
        PAD * 2 + (max(by_layer, default=0)) * COLUMN + BOX_W, PAD * 2 + tall * ROW, hidden=hidden
    )
    tree.nodes = list(nodes.values())
    tree.edges = _edges(trail, nodes)
    return tree


def _edges(trail: Trail, nodes: dict[str, Node]) -> list[Edge]:
    sums: dict[tuple[str, str, str], int] = {}
    for hop in trail.hops:
        if hop.target is None or hop.kind == ATM:
            continue
        css = {PAYMENT: "edge payment", LOOP: "edge loop", OFF_RAMP: "edge offramp"}.get(
            hop.kind, "edge"
        )
        pair = (hop.source, hop.target, css)
        sums[pair] = sums.get(pair, 0) + hop.traced
    edges = []
    for (source, target, css), amount in sums.items():
        a, b = nodes.get(source), nodes.get(target)
        if a is None or b is None:
            continue
        edges.append(Edge(a.x + BOX_W, a.y + BOX_H // 2, b.x, b.y + BOX_H // 2, _fmt(amount), css))
    return edges
