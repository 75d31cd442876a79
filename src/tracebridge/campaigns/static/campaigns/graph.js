// Draws a campaign's complaints and identifiers from its JSON endpoint.
// Uses cytoscape (from the npm registry at build time) when present, else a plain SVG circle.
(function () {
  "use strict";
  var box = document.getElementById("campaign-graph");
  if (!box) { return; }

  function done(count) {
    box.setAttribute("data-rendered", "true");
    box.setAttribute("data-nodes", String(count));
  }

  var panel = document.getElementById("graph-details");

  // What a clicked node is: its label, what it is, how many links it has, where to read more.
  function details(node, degree) {
    if (!panel) { return; }
    var kind = node.type === "complaint" ? panel.getAttribute("data-complaint")
      : (node.hub === "yes" ? panel.getAttribute("data-hub") : panel.getAttribute("data-identifier"));
    panel.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = node.label;
    panel.appendChild(strong);
    panel.appendChild(document.createTextNode(" · " + kind + " · " +
      panel.getAttribute("data-links").replace("N", String(degree))));
    if (node.type !== "complaint") {
      var a = document.createElement("a");
      a.href = panel.getAttribute("data-search") + "?q=" + encodeURIComponent(node.label);
      a.textContent = panel.getAttribute("data-search-label");
      panel.appendChild(document.createTextNode(" · "));
      panel.appendChild(a);
    }
  }

  function withCytoscape(data) {
    var elements = data.nodes.map(function (n) {
      return { data: { id: n.id, label: n.label, type: n.type, hub: n.hub ? "yes" : "no" } };
    }).concat(data.edges.map(function (e, i) {
      return { data: { id: "e" + i, source: e.source, target: e.target } };
    }));
    var big = data.nodes.length > 100;
    // Past 100 nodes, labels would cover each other: only the chosen node is labelled, and the
    // layout spreads nodes further apart.
    var cy = window.cytoscape({
      container: box,
      elements: elements,
      layout: big ? { name: "cose", animate: false, nodeRepulsion: 12000, idealEdgeLength: 48,
                      numIter: 1500, componentSpacing: 60 }
                  : { name: "cose", animate: false },
      style: [
        { selector: "node", style: { "label": big ? "" : "data(label)", "font-size": 8, "width": 12, "height": 12 } },
        { selector: "node:selected", style: { "label": "data(label)", "border-width": 2, "border-color": "#1b1f24" } },
        { selector: "node[type = 'complaint']", style: { "background-color": "#0b4f8a" } },
        { selector: "node[type = 'identifier']", style: { "background-color": "#f59e0b", "shape": "diamond" } },
        { selector: "node[hub = 'yes']", style: { "background-color": "#a40e26" } },
        { selector: "edge", style: { "width": 1, "line-color": "#8c959f" } }
      ]
    });
    cy.on("tap", "node", function (evt) { details(evt.target.data(), evt.target.degree()); });
    box.tbGraph = cy;
    done(data.nodes.length);
  }

  function svg(name, attrs) {
    var el = document.createElementNS("http://www.w3.org/2000/svg", name);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }

  function withSvg(data) {
    var size = 600, mid = size / 2, pos = {};
    var root = svg("svg", { viewBox: "0 0 " + size + " " + size, role: "img" });
    var complaints = data.nodes.filter(function (n) { return n.type === "complaint"; });
    var idents = data.nodes.filter(function (n) { return n.type !== "complaint"; });
    [[complaints, mid * 0.85], [idents, mid * 0.45]].forEach(function (ring) {
      ring[0].forEach(function (n, i) {
        var a = 2 * Math.PI * i / Math.max(ring[0].length, 1);
        pos[n.id] = [mid + ring[1] * Math.cos(a), mid + ring[1] * Math.sin(a)];
      });
    });
    data.edges.forEach(function (e) {
      var s = pos[e.source], t = pos[e.target];
      if (s && t) { root.appendChild(svg("line", { x1: s[0], y1: s[1], x2: t[0], y2: t[1] })); }
    });
    data.nodes.forEach(function (n) {
      var p = pos[n.id];
      var cls = n.type === "complaint" ? "node-complaint" : (n.hub ? "node-hub" : "node-identifier");
      var c = svg("circle", { cx: p[0], cy: p[1], r: 5, "class": cls });
      var title = svg("title", {});
      title.textContent = n.label;
      c.appendChild(title);
      root.appendChild(c);
    });
    box.appendChild(root);
    done(data.nodes.length);
  }

  fetch(box.getAttribute("data-url"), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      if (window.cytoscape) { withCytoscape(data); } else { withSvg(data); }
    })
    .catch(function () { box.setAttribute("data-rendered", "failed"); });
}());
