// veille map: an offline, zoomable and pannable world map of points, reusable by any page:
//   const map = renderMap(container, points, {id: "map", routes, labels: 8});
// points: [{id, name, lat, lon, count, className, dataset: {...}}]; routes: [{stops: [{lat, lon}],
// className, dataset}]. Wheel or pinch zooms, dragging pans, the +/−/reset buttons and the keys
// (+ − 0 and arrows, on the focused map) do the same;
// markers keep their size at any zoom and points closer than `clusterRadius` on screen are drawn
// as one cluster, sized by their counts, that splits as the map is zoomed in (click it to zoom).
// Names are hostile text: written with textContent only. Needs dashboard.js (svgEl).
"use strict";

const MAP_W = 720;
const MAP_H = 360;
const MAX_ZOOM = 256;
const DRAG_START = 4; // viewBox units a pointer moves before a press becomes a drag

// Equirectangular projection onto a 720×360 plane (the viewBox); zooming transforms that plane.
const mapX = (lon) => (lon + 180) * 2;
const mapY = (lat) => (90 - lat) * 2;
const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

function setData(el, dataset) {
  for (const [k, v] of Object.entries(dataset || {})) el.dataset[k] = String(v);
}

function titled(el, text) {
  const title = svgEl("title");
  title.textContent = text;
  el.appendChild(title);
  return el;
}

function ringPath(ring) {
  let d = "";
  let prev = null;
  for (const [lon, lat] of ring) {
    // A jump across the antimeridian starts a new sub-path instead of a line across the map.
    d += (prev === null || Math.abs(lon - prev) > 180 ? "M" : "L") + mapX(lon).toFixed(1) + "," + mapY(lat).toFixed(1);
    prev = lon;
  }
  return d + "Z";
}

const basemaps = new Map(); // url -> promise of the countries, fetched once per page

function loadBasemap(url) {
  if (!basemaps.has(url)) basemaps.set(url, fetch(url).then((r) => r.json()));
  return basemaps.get(url);
}

/** The transform {k, x, y} that shows all the points and route stops, or the whole world. */
function fitTransform(points, routes) {
  const pts = points.map((p) => [p.lon, p.lat]);
  for (const r of routes) for (const s of r.stops) pts.push([s.lon, s.lat]);
  if (!pts.length) return { k: 1, x: 0, y: 0 };
  let [x0, x1, y0, y1] = [180, -180, 90, -90];
  for (const [lon, lat] of pts) {
    x0 = Math.min(x0, lon); x1 = Math.max(x1, lon); y0 = Math.min(y0, lat); y1 = Math.max(y1, lat);
  }
  let w = Math.max(30, (x1 - x0) * 1.3), h = Math.max(15, (y1 - y0) * 1.3);
  if (w < h * 2) w = h * 2; else h = w / 2;
  const k = clamp(360 / w, 1, MAX_ZOOM); // w degrees fill the 720 units
  const cx = mapX((x0 + x1) / 2), cy = mapY((y0 + y1) / 2);
  return { k, x: MAP_W / 2 - cx * k, y: MAP_H / 2 - cy * k };
}

/** Greedy clustering in screen space, biggest first: a point joins the nearest cluster leader
 * within `radius`, found through a grid of radius-sized cells (thousands of points stay cheap).
 * Only the zoom matters (distances do not change when panning). */
function clusterPoints(points, k, radius) {
  const order = points.map((p, i) => [p, i]).sort((a, b) => (b[0].count || 1) - (a[0].count || 1) || a[1] - b[1]);
  const clusters = [];
  const grid = new Map(); // "col,row" -> clusters led from that cell
  for (const [p] of order) {
    const sx = mapX(p.lon) * k, sy = mapY(p.lat) * k;
    const col = Math.floor(sx / radius), row = Math.floor(sy / radius);
    let near = null, best = radius;
    for (let dc = -1; dc <= 1; dc++) {
      for (let dr = -1; dr <= 1; dr++) {
        for (const c of grid.get(`${col + dc},${row + dr}`) || []) {
          const d = Math.hypot(c.sx - sx, c.sy - sy);
          if (d < best) { best = d; near = c; }
        }
      }
    }
    if (near) { near.members.push(p); continue; }
    const c = { sx, sy, members: [p] };
    clusters.push(c);
    const cell = `${col},${row}`;
    grid.set(cell, [...(grid.get(cell) || []), c]);
  }
  for (const c of clusters) {
    const weights = c.members.map((m) => m.count || 1);
    c.count = weights.reduce((a, b) => a + b, 0);
    c.lon = c.members.reduce((s, m, i) => s + m.lon * weights[i], 0) / c.count;
    c.lat = c.members.reduce((s, m, i) => s + m.lat * weights[i], 0) / c.count;
  }
  return clusters;
}

function markerFor(p, labelled) {
  const g = svgEl("g", { class: `marker ${p.className || ""}`.trim() });
  setData(g, p.dataset);
  g.appendChild(svgEl("circle", { r: 3 + Math.min(5, p.count || 1) }));
  titled(g, `${p.name} (${p.count || 1})`);
  const label = svgEl("text", { x: 6, y: -5, "font-size": 11, class: labelled ? "" : "minor" });
  label.textContent = p.name;
  g.appendChild(label);
  return g;
}

function clusterFor(c) {
  const g = svgEl("g", { class: "cluster", tabindex: 0, role: "button" });
  g.dataset.count = String(c.count);
  g.dataset.points = String(c.members.length);
  g.appendChild(svgEl("circle", { r: Math.min(22, 7 + 3 * Math.log2(c.count)) }));
  const names = c.members.map((m) => m.name);
  titled(g, `${names.slice(0, 12).join(", ")}${names.length > 12 ? ", …" : ""} (${c.count}): click to zoom`);
  const label = svgEl("text", { "text-anchor": "middle", dy: "0.35em", "font-size": 10 });
  label.textContent = String(c.members.length);
  g.appendChild(label);
  return g;
}

/** Names that would cover a more important one (or a cluster) are hidden until hovered. */
function declutter(clusters, k) {
  const taken = clusters.filter((c) => c.members.length > 1).map((c) => {
    const r = Number(c.el.querySelector("circle").getAttribute("r"));
    const x = mapX(c.lon) * k, y = mapY(c.lat) * k;
    return [x - r, y - r, x + r, y + r];
  });
  for (const c of clusters) {
    const label = c.members.length === 1 ? c.el.querySelector("text:not(.minor)") : null;
    if (!label) continue;
    label.classList.remove("crowded");
    const b = label.getBBox(), x = mapX(c.lon) * k, y = mapY(c.lat) * k;
    const box = [x + b.x, y + b.y, x + b.x + b.width, y + b.y + b.height];
    const hit = taken.some((o) => Math.min(o[2], box[2]) > Math.max(o[0], box[0]) && Math.min(o[3], box[3]) > Math.max(o[1], box[1]));
    if (hit) label.classList.add("crowded");
    else taken.push(box);
  }
}

function controlButton(text, label) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.title = label;
  b.setAttribute("aria-label", label);
  return b;
}

/**
 * Draw a map of `points` into `container`; returns {svg, ready, zoomBy(factor), reset(), transform()}.
 * options: id (the svg's id), label (its aria-label), routes, labels (how many of the first points
 * show their name; the others on hover), clusterRadius (screen units, 0 = never), basemap (URL),
 * onSelect(point) (called when a single marker is clicked).
 */
function renderMap(container, points, options = {}) {
  const routes = options.routes || [];
  const radius = options.clusterRadius ?? 24;
  const labelled = new Set(points.slice(0, options.labels ?? 8).map((p) => p.id));
  const svg = svgEl("svg", { viewBox: `0 0 ${MAP_W} ${MAP_H}`, role: "img", class: "map" });
  if (options.id) svg.id = options.id;
  svg.setAttribute("aria-label", options.label || container.dataset.label || "map");
  const view = svgEl("g", { class: "viewport" });
  const land = svgEl("g", { class: "land" });
  const lines = svgEl("g", { class: "routes" });
  const markers = svgEl("g", { class: "markers" });
  view.append(land, lines);
  svg.append(view, markers);
  const controls = document.createElement("div");
  controls.className = "map-controls";
  const zoomIn = controlButton("+", "zoom in"), zoomOut = controlButton("−", "zoom out"), home = controlButton("⟲", "reset zoom");
  controls.append(zoomIn, zoomOut, home);
  container.append(svg, controls);

  for (const r of routes) {
    const pts = r.stops.map((s) => `${mapX(s.lon)},${mapY(s.lat)}`).join(" ");
    const line = svgEl("polyline", { points: pts, class: `route-line ${r.className || ""}`.trim() });
    setData(line, r.dataset);
    lines.appendChild(line);
  }

  const home0 = fitTransform(points, routes);
  let t = { ...home0 };
  let clusters = [];
  let drawnFor = null; // the zoom the markers were clustered at
  let drawnKey = null; // which points each drawn marker or cluster holds

  function markerOrCluster(c) {
    if (c.members.length === 1) {
      const p = c.members[0];
      c.el = markerFor(p, labelled.has(p.id));
      if (options.onSelect) c.el.addEventListener("click", () => options.onSelect(p));
    } else {
      c.el = clusterFor(c);
      c.el.addEventListener("click", () => zoomInto(c));
      c.el.addEventListener("keydown", (ev) => ev.key === "Enter" && zoomInto(c));
    }
    return c.el;
  }

  function place() {
    view.setAttribute("transform", `translate(${t.x.toFixed(2)},${t.y.toFixed(2)}) scale(${t.k.toFixed(4)})`);
    svg.dataset.zoom = t.k.toFixed(3);
    if (drawnFor !== t.k) {
      const next = radius > 0 ? clusterPoints(points, t.k, radius) : points.map((p) => ({ members: [p], lon: p.lon, lat: p.lat, count: p.count || 1 }));
      const key = next.map((c) => c.members.map((m) => m.id).join(",")).join("|");
      if (key !== drawnKey) { // the DOM is rebuilt only when a cluster forms or splits
        clusters = next;
        markers.replaceChildren(...clusters.map(markerOrCluster));
        drawnKey = key;
      }
      drawnFor = t.k;
      declutter(clusters, t.k);
    }
    for (const c of clusters) {
      c.el.setAttribute("transform", `translate(${(mapX(c.lon) * t.k + t.x).toFixed(2)},${(mapY(c.lat) * t.k + t.y).toFixed(2)})`);
    }
  }

  function setTransform(next) {
    const k = clamp(next.k, 1, MAX_ZOOM);
    t = { k, x: clamp(next.x, MAP_W - MAP_W * k, 0), y: clamp(next.y, MAP_H - MAP_H * k, 0) };
    place();
  }

  function zoomAt(vx, vy, factor) {
    const k = clamp(t.k * factor, 1, MAX_ZOOM), f = k / t.k;
    setTransform({ k, x: vx - (vx - t.x) * f, y: vy - (vy - t.y) * f });
  }

  function zoomInto(c) {
    // Enough zoom for the members' spread to exceed the cluster radius, so that the cluster splits.
    let spread = 0;
    for (const m of c.members) spread = Math.max(spread, Math.hypot(mapX(m.lon) - mapX(c.lon), mapY(m.lat) - mapY(c.lat)));
    const factor = clamp((radius * 1.5) / Math.max(spread * t.k, 1e-3), 2, 32);
    const k = clamp(t.k * factor, 1, MAX_ZOOM);
    setTransform({ k, x: MAP_W / 2 - mapX(c.lon) * k, y: MAP_H / 2 - mapY(c.lat) * k });
  }

  // Client pixels -> viewBox units (the svg keeps the viewBox's 2:1 aspect).
  function local(ev) {
    const rect = svg.getBoundingClientRect();
    return [((ev.clientX - rect.left) * MAP_W) / rect.width, ((ev.clientY - rect.top) * MAP_H) / rect.height];
  }

  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const [vx, vy] = local(ev);
    // A trackpad pinch arrives as a wheel event with ctrlKey and small deltas.
    const scale = ev.deltaMode === 1 ? 0.05 : ev.deltaMode ? 1 : 0.002;
    zoomAt(vx, vy, Math.pow(2, -ev.deltaY * scale * (ev.ctrlKey ? 10 : 1)));
  }, { passive: false });

  const pointers = new Map(); // pointer id -> last [x, y] in viewBox units
  let dragged = false;
  let travel = 0;
  svg.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0) return;
    pointers.set(ev.pointerId, local(ev));
    if (pointers.size === 1) { dragged = false; travel = 0; }
  });
  svg.addEventListener("pointermove", (ev) => {
    const prev = pointers.get(ev.pointerId);
    if (!prev) return;
    const now = local(ev);
    if (pointers.size >= 2) {
      const [other] = [...pointers].filter(([id]) => id !== ev.pointerId).map(([, p]) => p);
      const before = Math.hypot(prev[0] - other[0], prev[1] - other[1]);
      const after = Math.hypot(now[0] - other[0], now[1] - other[1]);
      const mid = [(now[0] + other[0]) / 2, (now[1] + other[1]) / 2];
      const f = before > 0 ? after / before : 1;
      const k = clamp(t.k * f, 1, MAX_ZOOM), g = k / t.k;
      const shift = [(now[0] - prev[0]) / 2, (now[1] - prev[1]) / 2];
      setTransform({ k, x: mid[0] - (mid[0] - t.x) * g + shift[0], y: mid[1] - (mid[1] - t.y) * g + shift[1] });
      dragged = true;
    } else {
      travel += Math.hypot(now[0] - prev[0], now[1] - prev[1]);
      if (!dragged && travel < DRAG_START) return; // a click on a marker stays a click
      if (!dragged) svg.setPointerCapture(ev.pointerId);
      dragged = true;
      setTransform({ k: t.k, x: t.x + now[0] - prev[0], y: t.y + now[1] - prev[1] });
    }
    pointers.set(ev.pointerId, now);
  });
  const release = (ev) => pointers.delete(ev.pointerId);
  svg.addEventListener("pointerup", release);
  svg.addEventListener("pointercancel", release);
  // The click that ends a drag is not a click on what lies under the pointer.
  svg.addEventListener("click", (ev) => {
    if (dragged) { ev.stopPropagation(); ev.preventDefault(); dragged = false; }
  }, true);

  // From the keyboard: + and − zoom, 0 resets, the arrows pan.
  const keys = { "+": [0, 0, 2], "=": [0, 0, 2], "-": [0, 0, 0.5], ArrowLeft: [40, 0, 1], ArrowRight: [-40, 0, 1], ArrowUp: [0, 40, 1], ArrowDown: [0, -40, 1] };
  svg.setAttribute("tabindex", "0");
  svg.addEventListener("keydown", (ev) => {
    if (ev.target !== svg) return; // Enter on a focused cluster is the cluster's
    if (ev.key === "0") setTransform(home0);
    else if (keys[ev.key]) {
      const [dx, dy, f] = keys[ev.key];
      if (f !== 1) zoomAt(MAP_W / 2, MAP_H / 2, f);
      else setTransform({ k: t.k, x: t.x + dx, y: t.y + dy });
    } else return;
    ev.preventDefault();
  });
  zoomIn.addEventListener("click", () => zoomAt(MAP_W / 2, MAP_H / 2, 2));
  zoomOut.addEventListener("click", () => zoomAt(MAP_W / 2, MAP_H / 2, 0.5));
  home.addEventListener("click", () => setTransform(home0));

  setTransform(t);
  const ready = loadBasemap(options.basemap || "/static/world-110m.json")
    .then((world) => {
      for (const country of world) {
        land.appendChild(titled(svgEl("path", { d: country.rings.map(ringPath).join(" ") }), country.name));
      }
    })
    .catch((err) => console.warn("basemap not loaded", err));
  return {
    svg,
    ready,
    zoomBy: (factor) => zoomAt(MAP_W / 2, MAP_H / 2, factor),
    reset: () => setTransform(home0),
    transform: () => ({ ...t }),
  };
}
