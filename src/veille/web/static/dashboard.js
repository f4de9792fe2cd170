// veille dashboard: source-sentence highlighting, and the story page's map (map.js) and actor
// graph (graph.js, laid out by the vendored d3-force).
// Article text is hostile: this file only ever writes text with textContent / createTextNode,
// never innerHTML, and reads its data from a non-executable <script type="application/json">.
"use strict";

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with attributes (map.js and graph.js use it too: base.html loads this file on every page). */
function svgEl(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}

// An entity's page. Ids hold a colon ("country:RU") and come from articles: always encoded.
function entityHref(id) {
  return `/entities/${encodeURIComponent(id)}`;
}

/** `child` wrapped in a link to entity `id`'s page (an SVG link inside an <svg>). */
function linkToEntity(id, child) {
  const a = child instanceof SVGElement ? svgEl("a") : document.createElement("a");
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

// --- story page ---------------------------------------------------------------------------

/** The story's places as map points: clicking one shows the sentence of its first mention. */
function storyPoints(places) {
  return places.map((p) => {
    const m = p.mentions[0];
    return {
      id: p.id, name: p.name, lat: p.lat, lon: p.lon, count: p.mentions.length, className: "fact",
      dataset: { place: p.id, article: m.article_id, sentence: m.sentence, start: m.start, end: m.end },
    };
  });
}

function storyRoutes(routes) {
  return routes.map((r) => ({
    stops: r.stops, className: "fact",
    dataset: { article: r.article_id, sentence: r.sentence, start: r.start, end: r.end },
  }));
}

document.addEventListener("DOMContentLoaded", () => {
  const data = storyData();
  if (!data) return;
  const box = document.getElementById("map-box");
  if (box) {
    const map = renderMap(box, storyPoints(data.map.places), { id: "map", routes: storyRoutes(data.map.routes), labels: 8 });
    map.ready.then(() => document.body.setAttribute("data-map-ready", "1"));
  }
  drawGraph(data.graph);
});
