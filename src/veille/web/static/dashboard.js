// veille dashboard: map, actor graph and source-sentence highlighting. Plain JS, no dependencies.
// Article text is hostile: this file only ever writes text with textContent / createTextNode,
// never innerHTML, and reads its data from a non-executable <script type="application/json">.
"use strict";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}

// An entity's page: ids hold a colon ("country:RU") and come from articles, so they are encoded.
function entityHref(id) {
  return `/entities/${encodeURIComponent(id)}`;
}

// `child` wrapped in a link to entity `id`'s page (an SVG link inside an <svg>).
function linkToEntity(id, child) {
  const a = child instanceof SVGElement ? svg("a") : document.createElement("a");
  a.setAttribute("href", entityHref(id));
  a.setAttribute("class", "entity");
  a.appendChild(child);
  return a;
}

function storyData() {
  const node = document.getElementById("story-data");
  return node ? JSON.parse(node.textContent) : null;
}

// --- source sentences -------------------------------------------------------------------

const originals = new Map(); // sentence span -> its text before highlighting

function clearHighlight() {
  for (const [span, text] of originals) {
    span.textContent = text;
    span.classList.remove("hl");
  }
  originals.clear();
  for (const el of document.querySelectorAll(".fact.active")) el.classList.remove("active");
}

function showEvidence(fact) {
  const article = fact.dataset.article;
  const sentence = fact.dataset.sentence;
  const span = document.getElementById(`s-${article}-${sentence}`);
  clearHighlight();
  fact.classList.add("active");
  const evidence = document.getElementById("evidence");
  const where = document.getElementById("evidence-where");
  if (!span) {
    evidence.textContent = "(sentence not found in this page)";
    return;
  }
  const text = span.textContent;
  originals.set(span, text);
  span.classList.add("hl");
  const base = Number(span.dataset.start);
  const start = Number(fact.dataset.start) - base;
  const end = Number(fact.dataset.end) - base;
  if (start >= 0 && end <= text.length && end > start) {
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    span.replaceChildren(document.createTextNode(text.slice(0, start)), mark, document.createTextNode(text.slice(end)));
  }
  evidence.textContent = text;
  evidence.classList.remove("muted");
  const card = document.getElementById(`a-${article}`);
  const title = card ? card.querySelector("h3").textContent : article;
  where.textContent = `${title} · sentence ${sentence} · characters ${fact.dataset.start}–${fact.dataset.end}`;
  span.scrollIntoView({ block: "center", behavior: "instant" });
}

document.addEventListener("click", (ev) => {
  const fact = ev.target.closest ? ev.target.closest(".fact") : null;
  if (fact) showEvidence(fact);
});

document.addEventListener("keydown", (ev) => {
  const fact = ev.target.closest ? ev.target.closest("li.fact") : null;
  if (fact && (ev.key === "Enter" || ev.key === " ")) {
    ev.preventDefault();
    showEvidence(fact);
  }
});

// --- map ---------------------------------------------------------------------------------

// Equirectangular projection onto a 720×360 plane; the viewBox zooms to the story's places.
const px = (lon) => (lon + 180) * 2;
const py = (lat) => (90 - lat) * 2;

function ringPath(ring) {
  let d = "";
  let prev = null;
  for (const [lon, lat] of ring) {
    // A jump across the antimeridian starts a new sub-path instead of a line across the map.
    d += (prev === null || Math.abs(lon - prev) > 180 ? "M" : "L") + px(lon).toFixed(1) + "," + py(lat).toFixed(1);
    prev = lon;
  }
  return d + "Z";
}

function mapBox(places, routes) {
  const pts = places.map((p) => [p.lon, p.lat]);
  for (const r of routes) for (const s of r.stops) pts.push([s.lon, s.lat]);
  if (!pts.length) return [0, 0, 720, 360];
  let [x0, x1, y0, y1] = [180, -180, 90, -90];
  for (const [lon, lat] of pts) {
    x0 = Math.min(x0, lon); x1 = Math.max(x1, lon); y0 = Math.min(y0, lat); y1 = Math.max(y1, lat);
  }
  let w = Math.max(30, (x1 - x0) * 1.3), h = Math.max(15, (y1 - y0) * 1.3);
  if (w < h * 2) w = h * 2; else h = w / 2;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return [px(cx - w / 2), py(cy + h / 2), w * 2, h * 2];
}

async function drawMap(data) {
  const map = document.getElementById("map");
  if (!map) return;
  const box = mapBox(data.places, data.routes);
  map.setAttribute("viewBox", box.join(" "));
  const k = box[2] / 720; // keeps markers and labels the same size on screen at any zoom
  const land = svg("g", { class: "land" });
  map.appendChild(land);
  try {
    const world = await (await fetch("/static/world-110m.json")).json();
    for (const country of world) {
      const path = svg("path", { d: country.rings.map(ringPath).join(" ") });
      const title = svg("title");
      title.textContent = country.name;
      path.appendChild(title);
      land.appendChild(path);
    }
  } catch (err) {
    console.warn("basemap not loaded", err);
  }
  for (const r of data.routes) {
    const points = r.stops.map((s) => `${px(s.lon)},${py(s.lat)}`).join(" ");
    const line = svg("polyline", { points, class: "route-line fact", "stroke-width": 2 * k });
    for (const key of ["article_id", "sentence", "start", "end"]) line.dataset[key === "article_id" ? "article" : key] = r[key];
    map.appendChild(line);
  }
  data.places.forEach((p, rank) => {
    const m = p.mentions[0];
    const g = svg("g", { class: "marker fact", "data-place": p.id });
    g.dataset.article = m.article_id; g.dataset.sentence = m.sentence; g.dataset.start = m.start; g.dataset.end = m.end;
    g.appendChild(svg("circle", { cx: px(p.lon), cy: py(p.lat), r: (3 + Math.min(5, p.mentions.length)) * k }));
    const title = svg("title");
    title.textContent = `${p.name} (${p.mentions.length})`;
    g.appendChild(title);
    // Labels for the most-mentioned places only: a dozen overlapping names help nobody.
    const label = svg("text", { x: px(p.lon) + 6 * k, y: py(p.lat) - 5 * k, "font-size": 11 * k, class: rank < 8 ? "" : "minor" });
    label.textContent = p.name;
    g.appendChild(label);
    map.appendChild(g);
  });
}

// --- actor graph -------------------------------------------------------------------------

function drawGraph(data) {
  const graph = document.getElementById("graph");
  if (!graph || !data.nodes.length) return;
  const W = 420, H = 420, R = Math.min(W, H) / 2 - 60;
  const pos = new Map();
  data.nodes.forEach((n, i) => {
    const a = (2 * Math.PI * i) / data.nodes.length - Math.PI / 2;
    pos.set(n.id, [W / 2 + R * Math.cos(a), H / 2 + R * Math.sin(a)]);
  });
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 18, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto" });
  marker.appendChild(svg("path", { d: "M0,0L10,5L0,10z" }));
  defs.appendChild(marker);
  graph.appendChild(defs);
  // One line per pair of actors, thicker with more facts; its first fact is the one it highlights.
  const links = new Map();
  for (const e of data.edges) {
    const key = `${e.source}|${e.target}`;
    if (!links.has(key)) links.set(key, { first: e, labels: new Set(), count: 0, type: e.type });
    const link = links.get(key);
    link.labels.add(e.label);
    link.count += 1;
    if (e.type === "event") link.type = "event";
  }
  for (const { first: e, labels, count, type } of links.values()) {
    const [x1, y1] = pos.get(e.source), [x2, y2] = pos.get(e.target);
    const width = Math.min(6, 1 + Math.log2(count));
    const line = svg("line", { x1, y1, x2, y2, class: `edge-line fact ${type}`, "stroke-width": width, "marker-end": type === "co-mention" ? "" : "url(#arrow)" });
    line.dataset.article = e.article_id; line.dataset.sentence = e.sentence; line.dataset.start = e.start; line.dataset.end = e.end;
    const names = [...labels];
    const title = svg("title");
    title.textContent = `${names.join(", ")} (${count})`;
    line.appendChild(title);
    graph.appendChild(line);
    if (type === "event") {
      const label = svg("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 3, class: "edge-label" });
      label.textContent = names.length > 2 ? `${names.slice(0, 2).join(", ")}…` : names.join(", ");
      graph.appendChild(label);
    }
  }
  for (const n of data.nodes) {
    const [x, y] = pos.get(n.id);
    const g = svg("g", { class: `node ${n.kind || ""}` });
    g.appendChild(svg("circle", { cx: x, cy: y, r: 9 }));
    const label = svg("text", { x, y: y + 22, "text-anchor": "middle" });
    label.textContent = n.name;
    g.appendChild(linkToEntity(n.id, label));
    graph.appendChild(g);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const data = storyData();
  if (!data) return;
  drawGraph(data.graph);
  drawMap(data.map).then(() => document.body.setAttribute("data-map-ready", "1"));
});
