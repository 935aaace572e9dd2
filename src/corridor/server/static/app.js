// The map page: a thin client of the REST API (/places, /compare, /route, /alternatives, /sheet,
// /network/{layer}). Everything it draws comes from this server: no tiles, fonts or scripts from elsewhere.
import * as maplibregl from "/static/vendor/maplibre-gl.mjs";
import {
  PlaceLabels, addRouteLayers, fillLegend, fitRoute, coveredInsets, legFeatures, placeLegend, routeCoordinates, routePlaces,
} from "/static/routemap.js";

const CORRIDOR_COLOURS = {
  best: "#1d2733",
  northern: "#c0392b",
  middle: "#1f8a4c",
  middle_viking_klaipeda: "#8e44ad",
  sea_suez: "#1f5fa8",
  sea_cape: "#d98e04",
};
const SPARE_COLOURS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4"];
const ALTERNATIVE_COLOURS = ["#0f766e", "#b45309", "#be185d", "#4d7c0f", "#0369a1", "#6d28d9", "#a16207", "#475569"];
const ALTERNATIVES_K = 3;
const WORLD = "-180,-85,180,85";
const EMPTY = { type: "FeatureCollection", features: [] };

const $ = (id) => document.getElementById(id);
// the objective a query has when none is given: the server's compare default (corridor.DEFAULT_COMPARE_OBJECTIVE)
const DEFAULT_OBJECTIVE = document.body.dataset.defaultObjective;
const state = {
  query: null, rows: [], alternatives: [], selected: null, clickTarget: "origin", markers: {}, railAbort: null,
  places: [], pendingFit: null, railTimer: null,
};
// a phone or a narrow window: the panel is a bottom sheet over the map and the legend starts as a button
const narrow = window.matchMedia("(max-width: 800px)");

function setPageState(value) {
  document.body.dataset.state = value;
}

function showStatus(text, { error = false, suggestions = [], field = null } = {}) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", error);
  for (const name of suggestions) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = name;
    button.addEventListener("click", () => {
      $(field || "origin").value = name;
      $("query").requestSubmit();
    });
    status.append(" ", button);
  }
}

// ---- the REST API ---------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, data) {
    super(describeError(status, data));
    this.status = status;
    this.data = data;
  }
}

function describeError(status, data) {
  const detail = data && data.detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => {
      const field = (d.loc || []).slice(1).join(".");
      return field ? `${field}: ${d.msg}` : d.msg;
    }).join("; ");
  }
  if (typeof detail === "string") return detail;
  return `the server answered ${status}`;
}

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// ---- the query, the form and the shareable URL ----------------------------------------------

function splitList(text, separator) {
  return text.split(separator).map((s) => s.trim()).filter(Boolean);
}

function readForm() {
  return {
    from: $("origin").value.trim(),
    to: $("destination").value.trim(),
    objective: $("objective").value,
    avoid: splitList($("avoid").value.toUpperCase(), /[,;\s]+/),
    via: splitList($("via").value, ";"),
  };
}

function writeForm(query) {
  $("origin").value = query.from || "";
  $("destination").value = query.to || "";
  $("objective").value = query.objective || DEFAULT_OBJECTIVE;
  $("avoid").value = (query.avoid || []).join(",");
  $("via").value = (query.via || []).join("; ");
  if ((query.avoid || []).length || (query.via || []).length) $("options").open = true;
}

function queryFromUrl() {
  const params = new URLSearchParams(location.search);
  if (!params.get("from") || !params.get("to")) return null;
  return {
    from: params.get("from"),
    to: params.get("to"),
    objective: params.get("objective") || DEFAULT_OBJECTIVE,
    avoid: splitList(params.get("avoid") || "", ","),
    via: splitList(params.get("via") || "", ";"),
    show: params.get("show"),
    alternatives: params.get("alternatives") === String(ALTERNATIVES_K),
  };
}

function writeUrl(query) {
  const params = new URLSearchParams({ from: query.from, to: query.to, objective: query.objective });
  if (query.avoid.length) params.set("avoid", query.avoid.join(","));
  if (query.via.length) params.set("via", query.via.join(";"));
  if (state.alternatives.length) params.set("alternatives", String(ALTERNATIVES_K));
  if (state.selected) params.set("show", state.selected);
  history.replaceState(null, "", `${location.pathname}?${params}`);
  $("share").disabled = false;
}

// the printable quote sheet of the query's best route (GET /sheet), opened in a new tab
function sheetUrl(query) {
  const params = new URLSearchParams({ origin: query.from, destination: query.to, objective: query.objective });
  for (const via of query.via) params.append("via", via);
  if (query.avoid.length) params.set("avoid", query.avoid.join(","));
  return `/sheet?${params}`;
}

function setSheetLink(query) {
  const link = $("sheet");
  if (query) {
    link.href = sheetUrl(query);
    link.removeAttribute("aria-disabled");
  } else {
    link.removeAttribute("href");
    link.setAttribute("aria-disabled", "true");
  }
}

async function runQuery(query) {
  setPageState("loading");
  showStatus(`Routing ${query.from} → ${query.to} through every corridor…`);
  $("go").disabled = true;
  clearAlternatives();
  setSheetLink(null);
  const common = { origin: query.from, destination: query.to, objective: query.objective, avoid: query.avoid };
  try {
    const [options, best] = await Promise.all([
      api("/compare", common),
      api("/route", { ...common, via: query.via }).catch((error) => error),
    ]);
    // the best route's own trouble (no route, an unknown or unusable via place) goes in its row
    if (best instanceof ApiError && best.status !== 404 && best.status !== 422) throw best;
    state.rows = tableRows(options, best, query);
    const shown = state.rows.find((r) => r.id === query.show && r.route) || state.rows.find((r) => r.route);
    state.selected = shown ? shown.id : null;
    state.query = query;  // what the table shows, whatever the form holds later
    renderTable();
    const feasible = state.rows.filter((r) => r.route).length;
    showStatus(`${feasible} of ${state.rows.length} options found. Click a row to see its legs.`);
    $("alternatives-box").hidden = best instanceof ApiError;
    if (!(best instanceof ApiError)) setSheetLink(query);
    showResultsInSheet();
    drawRoutes({ fit: true });
    renderLegs();
    writeUrl(query);
    if (query.alternatives && !(best instanceof ApiError)) await loadAlternatives(query.show);
    setPageState("done");
  } catch (error) {
    const data = error.data || {};
    const field = data.field === "destination" ? "destination" : "origin";
    showStatus(error.message, { error: true, suggestions: data.suggestions || [], field });
    setPageState("error");
  } finally {
    $("go").disabled = false;
  }
}

// a route's transit-time spread in days (P10, P50, P90), from its reliability; null when it has none
function spreadOf(route) {
  const rel = route && route.reliability;
  if (!rel) return null;
  return { p10: rel.p10_hours / 24, p50: rel.p50_hours / 24, p90: rel.p90_hours / 24 };
}

function tableRows(options, best, query) {
  const rows = [];
  const mine = query.via.length ? `your options, via ${query.via.join(", ")}` : "your options";
  if (best instanceof ApiError) {
    rows.push({ id: "best", name: `Best route (${mine})`, route: null, reason: best.message });
  } else {
    rows.push({
      id: "best", name: `Best route (${mine})`, route: best, days: best.days, usd: best.usd_per_teu,
      co2: best.kg_co2e_per_teu, borders: best.border_crossings.length,
      gauge: best.border_crossings.filter((b) => b.gauge_change).length, spread: spreadOf(best),
    });
  }
  for (const o of options) {
    const route = o.feasible ? o.route : null;
    const spread = spreadOf(route);
    // the compare answer's own P50 and P90 days, where it gives them
    if (spread && o.p50_days != null) spread.p50 = o.p50_days;
    if (spread && o.p90_days != null) spread.p90 = o.p90_days;
    rows.push({
      id: o.corridor, name: o.name, route, reason: o.feasible ? null : o.route, spread,
      days: o.days, usd: o.usd_per_teu, co2: o.kg_co2e_per_teu, borders: o.border_crossings, gauge: o.gauge_changes,
    });
  }
  rows.forEach((row, i) => { row.colour = CORRIDOR_COLOURS[row.id] || SPARE_COLOURS[i % SPARE_COLOURS.length]; });
  return rows;
}

// ---- results: the table and the legs --------------------------------------------------------

const number = (value, digits = 0) =>
  value == null ? "–" : value.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });

// the P50 / P90 cell: the two figures, and a bar from P10 to P90 with P50 marked, scaled to ``longest`` days
function spreadCell(spread, longest) {
  const td = document.createElement("td");
  td.className = "spread-cell";
  if (!spread) {
    td.textContent = "–";
    return td;
  }
  const figures = document.createElement("span");
  figures.className = "spread-figures";
  figures.textContent = `${number(spread.p50, 1)} / ${number(spread.p90, 1)}`;
  const band = document.createElement("span");
  band.className = "band";
  const label = `transit P10 ${number(spread.p10, 1)}, P50 ${number(spread.p50, 1)}, P90 ${number(spread.p90, 1)} days`;
  band.title = label;
  band.setAttribute("role", "img");
  band.setAttribute("aria-label", label);
  const at = (days) => `${Math.max(0, Math.min(100, (100 * days) / longest)).toFixed(2)}%`;
  const range = document.createElement("span");
  range.className = "band-range";
  range.style.left = at(spread.p10);
  range.style.width = `calc(${at(spread.p90)} - ${at(spread.p10)})`;
  const median = document.createElement("span");
  median.className = "band-p50";
  median.style.left = at(spread.p50);
  band.append(range, median);
  td.append(figures, band);
  return td;
}

function renderTable() {
  const body = $("results").querySelector("tbody");
  body.replaceChildren();
  const longest = Math.max(0, ...state.rows.filter((r) => r.route && r.spread).map((r) => r.spread.p90)) || 1;
  for (const row of state.rows) {
    const tr = document.createElement("tr");
    tr.dataset.corridor = row.id;
    const name = document.createElement("td");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = row.colour;
    name.append(swatch, row.name);
    tr.append(name);
    if (row.route) {
      for (const [value, digits] of [[row.days, 1], [row.usd, 0], [row.co2, 0], [row.borders, 0], [row.gauge, 0]]) {
        const td = document.createElement("td");
        td.textContent = number(value, digits);
        tr.append(td);
      }
      tr.append(spreadCell(row.spread, longest));
      makeChoosable(tr, row.id);  // rows are reachable and chosen with the keyboard too
    } else {
      tr.className = "infeasible";
      const reason = document.createElement("span");
      reason.className = "reason";
      reason.textContent = row.reason || "no route";
      name.append(reason);
      const td = document.createElement("td");
      td.colSpan = 6;
      td.textContent = "not feasible";
      tr.append(td);
    }
    tr.classList.toggle("selected", row.id === state.selected);
    body.append(tr);
  }
  $("results").hidden = false;
}

// the corridor rows and the alternatives: every route the map can show
function allRows() {
  return [...state.rows, ...state.alternatives];
}

function select(id) {
  state.selected = id;
  for (const tr of $("results").querySelectorAll("tbody tr")) tr.classList.toggle("selected", tr.dataset.corridor === id);
  for (const tr of $("alternatives-list").querySelectorAll("tbody tr")) tr.classList.toggle("selected", tr.dataset.alternative === id);
  if (narrow.matches && $("panel").dataset.sheet === "full") setSheet("peek");  // the chosen route shows above the sheet
  drawRoutes({ fit: true, animate: true });
  renderLegs();
  writeUrl(state.query);
}

// rows that are chosen by click and by the keyboard
function makeChoosable(tr, id) {
  tr.tabIndex = 0;
  tr.addEventListener("click", () => select(id));
  tr.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      select(id);
    }
  });
}

// ---- alternatives: k different routes for the query's own options, the Pareto ones marked -----------

function clearAlternatives() {
  state.alternatives = [];
  $("alternatives-list").hidden = true;
  $("alternatives-list").querySelector("tbody").replaceChildren();
  $("alternatives").disabled = false;
}

async function loadAlternatives(show = null) {
  const query = state.query;
  if (!query) return;
  const button = $("alternatives");
  button.disabled = true;
  showStatus(`Looking for ${ALTERNATIVES_K} different routes ${query.from} → ${query.to}…`);
  const body = {
    origin: query.from, destination: query.to, objective: query.objective, avoid: query.avoid, via: query.via,
    k: ALTERNATIVES_K,
  };
  try {
    const answer = await api("/alternatives", body);
    if (state.query !== query) return;  // a newer query has replaced this one
    const pareto = new Set(answer.pareto);
    state.alternatives = answer.routes.map((route, i) => ({
      id: `alt-${i + 1}`, name: route.label, route, pareto: pareto.has(i), days: route.days,
      usd: route.usd_per_teu, co2: route.kg_co2e_per_teu, colour: ALTERNATIVE_COLOURS[i % ALTERNATIVE_COLOURS.length],
    }));
    renderAlternatives();
    const kept = state.alternatives.filter((a) => a.pareto).length;
    showStatus(`${state.alternatives.length} alternatives, ${kept} on the Pareto front. Click one to draw it.`);
    if (show && state.alternatives.some((a) => a.id === show)) select(show);
    else {
      drawRoutes({ fit: false });
      writeUrl(query);
    }
  } catch (error) {
    button.disabled = false;
    showStatus(`alternatives: ${error.message}`, { error: true });
  }
}

function renderAlternatives() {
  const body = $("alternatives-list").querySelector("tbody");
  body.replaceChildren();
  for (const alt of state.alternatives) {
    const tr = document.createElement("tr");
    tr.dataset.alternative = alt.id;
    tr.classList.toggle("pareto", alt.pareto);
    const name = document.createElement("td");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = alt.colour;
    name.append(swatch, alt.name);
    if (alt.pareto) {
      const mark = document.createElement("span");
      mark.className = "pareto-mark";
      mark.textContent = "Pareto";
      mark.title = "no other alternative is at once faster, cheaper and lower in CO2";
      name.append(" ", mark);
    }
    tr.append(name);
    for (const [value, digits] of [[alt.days, 1], [alt.usd, 0], [alt.co2, 0]]) {
      const td = document.createElement("td");
      td.textContent = number(value, digits);
      tr.append(td);
    }
    tr.classList.toggle("selected", alt.id === state.selected);
    makeChoosable(tr, alt.id);
    body.append(tr);
  }
  $("alternatives-list").hidden = false;
}

function legText(leg) {
  const hours = `${number(leg.hours, 1)} h`;
  if (leg.mode === "border") {
    const b = leg.border || {};
    const gauge = b.gauge_change ? ` · gauge change (${b.gauge_change.replace("_", " ")})` : "";
    return [`${b.name || leg.from} (${leg.countries.join("→")})`, `${hours} at the border${gauge}`];
  }
  if (leg.mode === "transfer") return [`${leg.from}`, `${hours} handling`];
  const what = leg.service ? `${leg.service}: ` : "";
  const wait = leg.wait_hours > 0 ? ` (incl. ${number(leg.wait_hours, 1)} h waiting for a departure)` : "";
  return [`${what}${leg.from} → ${leg.to}`, `${number(leg.km)} km · ${hours}${wait} · ${leg.countries.join("–")}`];
}

function renderLegs() {
  const row = allRows().find((r) => r.id === state.selected);
  const section = $("legs");
  if (!row || !row.route) {
    section.hidden = true;
    return;
  }
  $("legs-title").textContent = `${row.name}: ${number(row.days, 1)} days, ${number(row.usd)} USD/TEU`;
  renderSpread(row.route);
  const list = $("leg-list");
  list.replaceChildren();
  for (const leg of row.route.legs) {
    const li = document.createElement("li");
    li.className = `leg-${leg.mode}`;
    const [title, detail] = legText(leg);
    const mode = document.createElement("span");
    mode.className = "mode";
    mode.textContent = leg.mode;
    li.append(mode, ` ${title} — ${detail}`);
    if (leg.note) {
      const note = document.createElement("span");
      note.className = "leg-note";
      note.textContent = leg.note;
      li.append(note);
    }
    list.append(li);
  }
  section.hidden = false;
}

// "leg 4, ferry: Aktau → Baku (Alat)": the number is the leg's in the list below
function spreadLegText(leg) {
  const where = leg.from === leg.to ? leg.from : `${leg.from} → ${leg.to}`;
  const what = leg.mode === "transfer" ? "handling" : leg.mode;
  return `leg ${leg.index + 1}, ${what}: ${where}`;
}

// the selected route's P50 and P90, and the two or three legs that make most of its spread
function renderSpread(route) {
  const box = $("spread");
  const rel = route && route.reliability;
  if (!rel || !rel.legs || !rel.legs.length) {
    box.hidden = true;
    return;
  }
  $("spread-summary").textContent =
    `Transit P50 ${number(rel.p50_hours / 24, 1)} days, P90 ${number(rel.p90_hours / 24, 1)} days ` +
    `(planned ${number(rel.planned_hours / 24, 1)}, P10 ${number(rel.p10_hours / 24, 1)}).`;
  const ranked = [...rel.legs].sort((a, b) => b.spread_share - a.spread_share);
  // the top three, less a third that adds little
  const top = ranked.slice(0, 3).filter((leg, i) => i < 2 || leg.spread_share >= 0.05);
  const list = $("spread-legs");
  list.replaceChildren();
  for (const leg of top) {
    const li = document.createElement("li");
    const share = document.createElement("span");
    share.className = "share";
    share.textContent = `${number(100 * leg.spread_share)} %`;
    li.append(share, ` ${spreadLegText(leg)}`);
    li.title = leg.assumption || "";
    list.append(li);
  }
  box.hidden = false;
}

// ---- the map ----------------------------------------------------------------------------------

const map = new maplibregl.Map({
  container: "map",
  style: {
    version: 8,
    sources: {},
    layers: [{ id: "sea", type: "background", paint: { "background-color": "#d6e4f0" } }],
  },
  center: [52, 44],
  zoom: 2.6,
  attributionControl: false,
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
const labels = new PlaceLabels(map);
map.addControl(new maplibregl.ScaleControl());
const attribution = new maplibregl.AttributionControl({
  compact: true,
  customAttribution: "Natural Earth · rail from OpenStreetMap contributors · corridor data pack",
});
map.addControl(attribution);
// on a narrow screen the sources start folded behind their (i) button, so they do not cover the route
if (narrow.matches) {
  map.once("load", () => map.getContainer().querySelector(".maplibregl-ctrl-attrib").classList.remove("maplibregl-compact-show"));
}

// every route as a thin line in its row's colour; the selected one leg by leg, by mode, with its places named
function drawRoutes({ fit, animate = false }) {
  const source = map.getSource("routes");
  if (!source) return;
  const features = allRows()
    .filter((row) => row.route)
    .map((row) => ({
      type: "Feature",
      geometry: row.route.geometry,
      properties: { corridor: row.id, colour: row.colour, selected: row.id === state.selected },
    }));
  // the selected route last, so it is drawn on top
  features.sort((a, b) => Number(a.properties.selected) - Number(b.properties.selected));
  source.setData({ type: "FeatureCollection", features });
  const shown = allRows().find((row) => row.id === state.selected && row.route);
  map.getSource("legs").setData({ type: "FeatureCollection", features: shown ? legFeatures(shown.route) : [] });
  if (!shown) {
    labels.clear();
    return;
  }
  const line = routeCoordinates(shown.route);
  setMarker("origin", line[0]);
  setMarker("destination", line[line.length - 1]);
  labels.show(routePlaces(shown.route, state.places));
  if (fit) {
    state.pendingFit = line;
    fitRoute(map, line, $("panel"), { animate });
    if (!animate && state.pendingFit) keepLegendClear();  // a view that did not move fires no moveend
  } else {
    keepLegendClear();
  }
}

// the legend goes where the selected route is not; a first view it cannot keep clear of is fitted again
// with the legend's room added at the top
function keepLegendClear() {
  const legend = $("legend");
  const shown = allRows().find((row) => row.id === state.selected && row.route);
  const others = allRows().filter((row) => row.route && row !== shown).map((row) => row.route.geometry.coordinates);
  const retry = state.pendingFit;
  state.pendingFit = null;
  const line = shown ? routeCoordinates(shown.route) : null;
  const clear = placeLegend(map, legend, $("panel"), line, others, { mayCollapse: retry !== null });
  if (!clear && retry) {
    fitRoute(map, retry, $("panel"), { extraTop: legend.offsetHeight + 10 });
    placeLegend(map, legend, $("panel"), retry, others, { mayCollapse: true });
  }
}

// ---- the panel as a bottom sheet (narrow screens) -------------------------------------------------

const SHEET_STATES = ["peek", "full"];

function setSheet(which) {
  $("panel").dataset.sheet = which;
  $("sheet-handle").setAttribute("aria-expanded", String(which === "full"));
  updateCover();
}

// the map's own controls (scale, attribution) stay above the sheet, and the legend off the route
function updateCover() {
  const insets = coveredInsets($("map"), $("panel"));
  $("map").style.setProperty("--cover-bottom", `${insets.bottom}px`);
  keepLegendClear();
}

// on a phone the sheet shows the answer, not the form, when one arrives, and leaves the map its room
function showResultsInSheet() {
  const query = state.query;
  const best = state.rows.find((r) => r.route);
  $("sheet-title").textContent = best ? `${best.route.origin} → ${best.route.destination}` : `${query.from} → ${query.to}`;
  if (!narrow.matches) return;
  setSheet("peek");
  $("panel").scrollTop = $("status").offsetTop - $("sheet-handle").offsetHeight - 4;
}

// a tap on the handle toggles the sheet; a drag sets it to the nearer height
function wireSheetHandle() {
  const handle = $("sheet-handle");
  const panel = $("panel");
  let drag = null;
  let dragEnded = -Infinity;  // when the last drag ended: the click that follows it is not a tap
  handle.addEventListener("pointerdown", (event) => {
    if (!narrow.matches) return;
    drag = { y: event.clientY, height: panel.offsetHeight, moved: false };
    handle.setPointerCapture(event.pointerId);
  });
  handle.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dy = event.clientY - drag.y;
    if (Math.abs(dy) > 6) drag.moved = true;
    if (drag.moved) panel.style.height = `${Math.max(48, Math.min(window.innerHeight - 40, drag.height - dy))}px`;
  });
  handle.addEventListener("pointerup", () => {
    if (!drag) return;
    const { moved } = drag;
    const height = panel.offsetHeight;
    drag = null;
    if (!moved) return;  // a tap: the click handler toggles
    panel.style.height = "";
    // the state whose own height is nearer the dragged one
    const heights = SHEET_STATES.map((which) => {
      panel.dataset.sheet = which;
      return panel.offsetHeight;
    });
    const nearest = heights.indexOf(heights.reduce((a, b) => (Math.abs(b - height) < Math.abs(a - height) ? b : a)));
    setSheet(SHEET_STATES[nearest]);
    dragEnded = performance.now();
  });
  handle.addEventListener("click", () => {
    if (performance.now() - dragEnded < 300) return;
    setSheet(panel.dataset.sheet === "full" ? "peek" : "full");
  });
}

function setMarker(which, lngLat) {
  if (!state.markers[which]) {
    state.markers[which] = new maplibregl.Marker({ color: which === "origin" ? "#1f8a4c" : "#a4161a" });
  }
  state.markers[which].setLngLat(lngLat).addTo(map);
}

// the rail network in view, asked once for moves in quick succession (a view fitted twice)
function scheduleRail() {
  clearTimeout(state.railTimer);
  state.railTimer = setTimeout(() => {
    state.railTimer = null;
    refreshRail();
  }, 120);
}

async function refreshRail() {
  if (state.railAbort) state.railAbort.abort();  // the reader moved on: the view asked before is not wanted
  const abort = new AbortController();
  state.railAbort = abort;
  const b = map.getBounds();
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const box = [clamp(b.getWest(), -180, 179.9), clamp(b.getSouth(), -85, 84.9), clamp(b.getEast(), -179.9, 180), clamp(b.getNorth(), -84.9, 85)];
  const zoom = clamp(Math.round(map.getZoom()), 0, 14);
  try {
    const response = await fetch(`/network/rail?bbox=${box.map((v) => v.toFixed(3)).join(",")}&zoom=${zoom}`, { signal: abort.signal });
    if (response.ok) map.getSource("rail").setData(await response.json());
  } catch (error) {
    if (error.name !== "AbortError") showStatus(`rail layer: ${error.message}`, { error: true });
  }
}

function setClickTarget(which) {
  state.clickTarget = which;
  $("click-target").textContent = which;
}

function pick(text) {
  const field = state.clickTarget;
  $(field).value = text;
  if (field === "origin") {
    setClickTarget("destination");
  } else if ($("origin").value.trim()) {
    $("query").requestSubmit();
  }
}

async function placesLayer() {
  const places = await api("/places");
  state.places = places;
  const names = $("place-names");
  for (const p of places) {
    const option = document.createElement("option");
    option.value = p.name;
    option.label = `${p.name} (${p.country}, ${p.kinds.join(", ").replaceAll("_", " ")})`;
    names.append(option);
  }
  return {
    type: "FeatureCollection",
    features: places.map((p) => ({
      type: "Feature",
      geometry: { type: "Point", coordinates: [p.lon, p.lat] },
      properties: { name: p.name, country: p.country, kinds: p.kinds.join(", ").replaceAll("_", " "), port: p.kinds.some((k) => k.endsWith("port")) },
    })),
  };
}

map.on("load", async () => {
  map.addSource("countries", { type: "geojson", data: `/network/countries?bbox=${WORLD}&zoom=3` });
  map.addLayer({ id: "land", type: "fill", source: "countries", paint: { "fill-color": "#f4f1ea" } });
  map.addLayer({ id: "borders", type: "line", source: "countries", paint: { "line-color": "#9aa5b1", "line-width": 0.7 } });
  map.addSource("rail", { type: "geojson", data: EMPTY });
  map.addLayer({ id: "rail", type: "line", source: "rail", paint: { "line-color": "#8a8f98", "line-width": 0.6, "line-opacity": 0.7 } });
  map.addSource("services", { type: "geojson", data: `/network/services?bbox=${WORLD}` });
  map.addLayer({
    id: "services", type: "line", source: "services",
    paint: {
      "line-color": ["match", ["get", "mode"], "ferry", "#1f5fa8", "#6b3fa0"],
      "line-width": 1.5,
      "line-dasharray": [3, 2],
    },
  });
  map.addSource("routes", { type: "geojson", data: EMPTY });
  // the other routes thin in their row's colour; the selected one as a broad halo of its colour under its legs
  map.addLayer({
    id: "routes-casing", type: "line", source: "routes", layout: { "line-join": "round", "line-cap": "round" },
    paint: { "line-color": "#ffffff", "line-width": ["case", ["get", "selected"], 0, 4.5] },
  });
  map.addLayer({
    id: "routes", type: "line", source: "routes", layout: { "line-join": "round", "line-cap": "round" },
    paint: {
      "line-color": ["get", "colour"],
      "line-width": ["case", ["get", "selected"], 13, 2.5],
      "line-opacity": ["case", ["get", "selected"], 0.35, 0.75],
    },
  });
  map.addSource("places", { type: "geojson", data: EMPTY });
  map.addLayer({
    id: "places", type: "circle", source: "places",
    paint: {
      "circle-radius": 4,
      "circle-color": ["case", ["get", "port"], "#1f5fa8", "#3d4852"],
      "circle-stroke-color": "#ffffff",
      "circle-stroke-width": 1,
    },
  });
  addRouteLayers(map);

  const hover = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
  map.on("mouseenter", "places", (e) => {
    map.getCanvas().style.cursor = "pointer";
    const p = e.features[0].properties;
    hover.setLngLat(e.lngLat).setText(`${p.name} (${p.country}) — ${p.kinds}`).addTo(map);
  });
  map.on("mouseleave", "places", () => {
    map.getCanvas().style.cursor = "";
    hover.remove();
  });
  map.on("click", (e) => {
    const hit = map.queryRenderedFeatures(e.point, { layers: ["places"] });
    setMarker(state.clickTarget, hit.length ? hit[0].geometry.coordinates : e.lngLat);
    pick(hit.length ? hit[0].properties.name : `${e.lngLat.lat.toFixed(4)},${e.lngLat.lng.toFixed(4)}`);
  });
  map.on("moveend", scheduleRail);

  map.on("moveend", keepLegendClear);
  try {
    map.getSource("places").setData(await placesLayer());
  } catch (error) {
    showStatus(`places: ${error.message}`, { error: true });
  }
  const restored = queryFromUrl();
  if (restored) {
    writeForm(restored);
    await runQuery(restored);  // its first view asks for the rail network in it
  } else {
    setPageState("ready");
  }
  if (!state.railAbort && !state.railTimer) refreshRail();
});

// ---- wiring -------------------------------------------------------------------------------------

$("objective").value = DEFAULT_OBJECTIVE;
fillLegend($("legend-modes"));
$("legend").open = !narrow.matches;
$("legend").addEventListener("toggle", () => keepLegendClear());
setSheet("peek");
wireSheetHandle();
map.on("resize", updateCover);
$("alternatives").addEventListener("click", () => loadAlternatives());
$("sheet").addEventListener("click", (event) => {
  if ($("sheet").getAttribute("aria-disabled") === "true") event.preventDefault();
});

$("query").addEventListener("submit", (event) => {
  event.preventDefault();
  const query = readForm();
  if (!query.from || !query.to) {
    showStatus("Give an origin and a destination.", { error: true });
    return;
  }
  query.show = state.selected;
  runQuery(query);
});
$("origin").addEventListener("focus", () => setClickTarget("origin"));
$("destination").addEventListener("focus", () => setClickTarget("destination"));
$("share").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(location.href);
    showStatus("Link copied: it opens this query with the same options.");
  } catch {
    showStatus(`Link to this query: ${location.href}`);
  }
});

// a handle for scripted checks of what is drawn
window.corridor = { map, state, labels };
