// veille entity page: the bar chart of mentions over time (svgEl is dashboard.js's). Plain JS.
// It reads its data from a non-executable <script type="application/json"> and writes text
// with textContent only.
"use strict";

const DAY_MS = 86400000;

// The days bar `i` of `n` covers, as the store buckets them (equal runs from the first day).
function barDays(first, last, i, n) {
  const days = Math.round((last - first) / DAY_MS) + 1;
  const from = Math.ceil((i * days) / n);
  const to = Math.ceil(((i + 1) * days) / n) - 1;
  const iso = (k) => new Date(first.getTime() + k * DAY_MS).toISOString().slice(0, 10);
  return from === to ? iso(from) : `${iso(from)} to ${iso(to)}`;
}

function drawMentions(data) {
  const chart = document.getElementById("mentions");
  const counts = data.timeline || [];
  if (!chart || !counts.length || !data.first_day) return;
  const W = 600, H = 120, top = 14, bottom = 104;
  const most = Math.max(1, ...counts);
  const step = W / counts.length;
  const first = new Date(`${data.first_day}T00:00:00Z`), last = new Date(`${data.last_day}T00:00:00Z`);
  chart.appendChild(svgEl("line", { x1: 0, y1: bottom, x2: W, y2: bottom, class: "axis" }));
  counts.forEach((n, i) => {
    const h = ((bottom - top) * n) / most;
    const bar = svgEl("rect", { x: i * step + step * 0.1, y: bottom - h, width: Math.max(1, step * 0.8), height: h, class: "bar" });
    const title = svgEl("title");
    title.textContent = `${barDays(first, last, i, counts.length)}: ${n} mention${n === 1 ? "" : "s"}`;
    bar.appendChild(title);
    chart.appendChild(bar);
  });
  const peak = svgEl("text", { x: 2, y: 10, class: "peak" });
  peak.textContent = `peak ${most}`;
  chart.appendChild(peak);
  const from = svgEl("text", { x: 0, y: H - 2, class: "day" });
  from.textContent = data.first_day;
  const to = svgEl("text", { x: W, y: H - 2, class: "day", "text-anchor": "end" });
  to.textContent = data.last_day;
  chart.append(from, to);
}

document.addEventListener("DOMContentLoaded", () => {
  const node = document.getElementById("entity-data");
  if (!node) return;
  drawMentions(JSON.parse(node.textContent));
  document.body.setAttribute("data-chart-ready", "1");
});
