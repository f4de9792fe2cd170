// veille overview (the front page): the map of the window's places, filters that live in the
// URL, and "new since your last visit" kept in this browser. Needs dashboard.js and map.js.
// Names and titles are hostile text: written with textContent only; the page's data comes from
// a non-executable <script type="application/json"> block.
"use strict";

const VISITS_KEY = "veille.visits"; // {previous, current}: ms since the epoch
const VISIT_GAP_MS = 30 * 60 * 1000; // a page opened after this long idle starts a new visit

function overviewData() {
  const node = document.getElementById("overview-data");
  return node ? JSON.parse(node.textContent) : null;
}

/** This page's URL with `name` set to `value` (or removed when null): a filter is a link. */
function withParam(name, value) {
  const url = new URL(window.location.href);
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return url.pathname + url.search;
}

// --- filters ------------------------------------------------------------------------------

function wireFilters() {
  const form = document.getElementById("filters");
  if (!form) return;
  // Empty fields mean "any": leave them out, so the URL names only the filters in use.
  form.addEventListener("submit", () => {
    for (const el of form.elements) if (el.name && !el.value) el.disabled = true;
  });
  form.addEventListener("change", () => form.requestSubmit());
  // Back to this page from the browser's cache: the fields as the page was served, usable again.
  window.addEventListener("pageshow", (ev) => {
    for (const el of form.elements) el.disabled = false;
    if (ev.persisted) form.reset();
  });
}

// --- map ----------------------------------------------------------------------------------

function drawPlaces(data) {
  const box = document.getElementById("ov-map");
  if (!box) return Promise.resolve();
  const points = data.places.map((p) => ({
    id: p.id, name: p.name, lat: p.lat, lon: p.lon, count: p.articles,
    dataset: { place: p.id, articles: p.articles, mentions: p.mentions },
  }));
  const map = renderMap(box, points, {
    id: "map", labels: 10,
    onSelect: (p) => window.location.assign(withParam("place", p.id)),
  });
  return map.ready;
}

// --- new since the last visit ----------------------------------------------------------------

function readVisits() {
  try {
    const v = JSON.parse(window.localStorage.getItem(VISITS_KEY) || "{}");
    return v && typeof v === "object" ? v : {};
  } catch (err) {
    return {};
  }
}

function saveVisits(v) {
  try {
    window.localStorage.setItem(VISITS_KEY, JSON.stringify(v));
  } catch (err) {
    console.warn("visits not kept", err); // private browsing: the page works without them
  }
}

/** This visit recorded; returns when the previous one ended (null on a first visit). */
function previousVisit() {
  const v = readVisits();
  const now = Date.now();
  if (Number.isFinite(v.current) && now - v.current > VISIT_GAP_MS) v.previous = v.current;
  v.current = now;
  saveVisits(v);
  return Number.isFinite(v.previous) ? v.previous : null;
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function markUpdated(view) {
  const changed = new Set();
  for (const list of [view.rising, view.new_stories, view.active]) {
    for (const s of list) if (s.updated_since) changed.add(s.id);
  }
  for (const li of document.querySelectorAll("li.ov-story")) {
    if (!changed.has(li.dataset.story) || li.classList.contains("updated")) continue;
    li.classList.add("updated");
    const badge = document.createElement("span");
    badge.className = "badge badge-updated";
    badge.textContent = "updated";
    badge.title = "changed since your last visit";
    li.querySelector(".story-title").after(document.createTextNode(" "), badge);
  }
}

function clearUpdated() {
  for (const b of document.querySelectorAll(".badge-updated")) b.remove();
  for (const li of document.querySelectorAll("li.ov-story.updated")) li.classList.remove("updated");
}

async function showNewSince(data) {
  const since = previousVisit();
  const panel = document.getElementById("new-since");
  if (since === null || !panel) return;
  const url = new URL(data.api, window.location.origin);
  url.searchParams.set("since", new Date(since).toISOString());
  const response = await fetch(url);
  if (!response.ok) return;
  const view = await response.json();
  const counts = view.new_since || {};
  const when = new Date(since).toLocaleString();
  document.getElementById("new-since-text").textContent =
    `Since your last visit (${when}): ${plural(counts.articles || 0, "new article", "new articles")}, ` +
    `${plural(counts.stories || 0, "story", "stories")} changed.`;
  panel.dataset.articles = String(counts.articles || 0);
  panel.dataset.stories = String(counts.stories || 0);
  panel.hidden = false;
  markUpdated(view);
  document.getElementById("mark-seen").addEventListener("click", () => {
    saveVisits({ previous: Date.now(), current: Date.now() });
    clearUpdated();
    panel.hidden = true;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const data = overviewData();
  if (!data) return;
  wireFilters();
  const done = [drawPlaces(data), showNewSince(data).catch((err) => console.warn("new since your last visit", err))];
  Promise.all(done).then(() => document.body.setAttribute("data-overview-ready", "1"));
});
