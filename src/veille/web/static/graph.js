// veille actor graph: who did what to whom, laid out with d3-force (vendored, /static/vendor).
// The simulation runs to convergence before anything is drawn, so the same story always gets
// the same picture; a collision force on each node's box (dot + name) keeps names apart, and a
// last pass separates any boxes still touching. Names are hostile text: textContent only.
// Needs dashboard.js (svgEl) and the d3-force scripts.
"use strict";

const NODE_R = 9;
const LABEL_DY = 22; // baseline of a name below its dot
const BOX_PAD = 3; // free space kept around each box
const MIN_VIEW = 420;

function setEvidence(el, fact) {
  el.dataset.article = fact.article_id; el.dataset.sentence = fact.sentence;
  el.dataset.start = fact.start; el.dataset.end = fact.end;
}

/** [x0, y0, x1, y1] of a node's box at its current position. */
function boxOf(n) {
  return [n.x + n.box[0], n.y + n.box[1], n.x + n.box[2], n.y + n.box[3]];
}

function overlap(a, b) {
  return [Math.min(a[2], b[2]) - Math.max(a[0], b[0]), Math.min(a[3], b[3]) - Math.max(a[1], b[1])];
}

/** Push apart every two nodes whose boxes overlap, along the axis where they overlap least.
 * `move(node, dx, dy)` applies the push: to velocities inside the simulation, to positions after. */
function separate(nodes, strength, move) {
  let touching = 0;
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i], b = nodes[j];
      const [ox, oy] = overlap(boxOf(a), boxOf(b));
      if (ox <= 0 || oy <= 0) continue;
      touching += 1;
      // Direction from a to b; nodes on the same spot part by index, so the result is stable.
      const dx = b.x - a.x || j - i, dy = b.y - a.y || j - i;
      if (ox < oy) {
        const s = (Math.sign(dx) * ox * strength) / 2;
        move(a, -s, 0); move(b, s, 0);
      } else {
        const s = (Math.sign(dy) * oy * strength) / 2;
        move(a, 0, -s); move(b, 0, s);
      }
    }
  }
  return touching;
}

function boxCollide(strength) {
  let nodes = [];
  const force = () => separate(nodes, strength, (n, dx, dy) => { n.vx += dx; n.vy += dy; });
  force.initialize = (given) => { nodes = given; };
  return force;
}

/** Links between the same two actors drawn as one line, thicker with more facts. */
function groupEdges(edges) {
  const links = new Map();
  for (const e of edges) {
    const key = `${e.source}|${e.target}`;
    if (!links.has(key)) links.set(key, { source: e.source, target: e.target, first: e, labels: new Set(), count: 0, type: e.type });
    const link = links.get(key);
    link.labels.add(e.label);
    link.count += 1;
    if (e.type === "event") link.type = "event";
  }
  return [...links.values()];
}

function layout(nodes, links) {
  const sim = d3.forceSimulation(nodes)
    .force("link", d3.forceLink(links).id((n) => n.id).distance(80).strength(0.3))
    .force("charge", d3.forceManyBody().strength(-260))
    .force("x", d3.forceX(0).strength(0.07))
    .force("y", d3.forceY(0).strength(0.07))
    .force("boxes", boxCollide(0.7))
    .stop();
  const ticks = Math.ceil(Math.log(sim.alphaMin()) / Math.log(1 - sim.alphaDecay()));
  for (let i = 0; i < ticks; i++) sim.tick();
  // Converged, but a few boxes may still touch where other forces held them: part them outright.
  for (let i = 0; i < 500 && separate(nodes, 1.05, (n, dx, dy) => { n.x += dx; n.y += dy; }); i++);
}

function drawGraph(data) {
  const graph = document.getElementById("graph");
  if (!graph || !data.nodes.length) return;
  const defs = svgEl("defs");
  const marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 18, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto" });
  marker.appendChild(svgEl("path", { d: "M0,0L10,5L0,10z" }));
  defs.appendChild(marker);
  const edgeLayer = svgEl("g", { class: "edges" });
  const nodeLayer = svgEl("g", { class: "nodes" });
  graph.append(defs, edgeLayer, nodeLayer);

  // Names are drawn first so that their boxes can be measured before the layout.
  const nodes = data.nodes.map((n) => {
    const g = svgEl("g", { class: `node ${n.kind || ""}`.trim() });
    g.appendChild(svgEl("circle", { cx: 0, cy: 0, r: NODE_R }));
    const label = svgEl("text", { x: 0, y: LABEL_DY, "text-anchor": "middle" });
    label.textContent = n.name;
    g.appendChild(linkToEntity(n.id, label));
    nodeLayer.appendChild(g);
    const b = label.getBBox();
    const half = Math.max(b.width / 2, NODE_R);
    return { id: n.id, el: g, box: [-half - BOX_PAD, -NODE_R - BOX_PAD, half + BOX_PAD, b.y + b.height + BOX_PAD] };
  });
  const links = groupEdges(data.edges);
  layout(nodes, links);

  const boxes = nodes.map(boxOf);
  for (const n of nodes) n.el.setAttribute("transform", `translate(${n.x.toFixed(1)},${n.y.toFixed(1)})`);
  for (const { source: a, target: b, first, labels, count, type } of links) {
    const width = Math.min(6, 1 + Math.log2(count));
    const line = svgEl("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: `edge-line fact ${type}`, "stroke-width": width, "marker-end": type === "co-mention" ? "" : "url(#arrow)" });
    setEvidence(line, first);
    const names = [...labels];
    const title = svgEl("title");
    title.textContent = `${names.join(", ")} (${count})`;
    line.appendChild(title);
    edgeLayer.appendChild(line);
    if (type === "event") {
      const label = svgEl("text", { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 3, class: "edge-label" });
      label.textContent = names.length > 2 ? `${names.slice(0, 2).join(", ")}…` : names.join(", ");
      edgeLayer.appendChild(label);
      // A link's name that would cover a node's name is left to the line's tooltip.
      const lb = label.getBBox(), box = [lb.x, lb.y, lb.x + lb.width, lb.y + lb.height];
      if (boxes.some((o) => overlap(o, box).every((v) => v > 0))) label.remove();
      else boxes.push(box);
    }
  }
  // The view fits the drawing, at least MIN_VIEW wide and high so that a pair of actors is not blown up.
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) { x0 = Math.min(x0, b[0]); y0 = Math.min(y0, b[1]); x1 = Math.max(x1, b[2]); y1 = Math.max(y1, b[3]); }
  const w = Math.max(MIN_VIEW, x1 - x0 + 20), h = Math.max(MIN_VIEW, y1 - y0 + 20);
  graph.setAttribute("viewBox", `${((x0 + x1 - w) / 2).toFixed(1)} ${((y0 + y1 - h) / 2).toFixed(1)} ${w.toFixed(1)} ${h.toFixed(1)}`);
  graph.dataset.layout = "done";
}
