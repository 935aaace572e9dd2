// The route on the map: legs drawn by mode, place labels as HTML markers (no glyph server), a
// legend that keeps off the route, and a first view fitted to the part of the map nobody covers.
import * as maplibregl from "/static/vendor/maplibre-gl.mjs";

// How each mode's legs look. Rail and scheduled trains carry white ties (a railway's look), the
// ferry is dashed and the sea dotted, so the modes differ in pattern as well as colour.
export const MODES = {
  road: { label: "road (truck)", colour: "#e8590c", width: 3.5, dash: null, ties: false },
  rail: { label: "rail", colour: "#343a40", width: 4.5, dash: null, ties: true },
  service: { label: "scheduled train", colour: "#7048e8", width: 4.5, dash: null, ties: true },
  ferry: { label: "ferry", colour: "#1971c2", width: 3.5, dash: [2, 1.2], ties: false },
  sea: { label: "sea (container ship)", colour: "#0b7285", width: 3.5, dash: [0, 1.8], ties: false },
};
// Legs of no length: small markers on the line.
export const STOPS = {
  transfer: { label: "terminal or port: transfer", fill: "#ffd43b", stroke: "#343a40", radius: 5 },
  border: { label: "border crossing", fill: "#ffffff", stroke: "#c92a2a", radius: 5 },
};
export const LEG_LAYERS = Object.keys(MODES).map((mode) => `leg-${mode}`);

const EMPTY = { type: "FeatureCollection", features: [] };
const MARGIN_PX = 10;  // between the map's edge, its controls and the legend
const FIT_PADDING_PX = { top: 56, right: 48, bottom: 40, left: 48 };  // room for the pins and the labels' first letters

// ---- legs ---------------------------------------------------------------------------------------

// the route's legs as GeoJSON features: lines for legs that move, points for borders and transfers
export function legFeatures(route) {
  const features = [];
  route.legs.forEach((leg, index) => {
    const geometry = leg.geometry;
    if (!geometry) return;  // a leg built without coordinates: the route's own line still shows it
    const properties = { index, mode: leg.mode, text: legSummary(leg) };
    if (leg.mode in STOPS) {
      const at = geometry.type === "Point" ? geometry.coordinates : geometry.coordinates[0];
      features.push({ type: "Feature", geometry: { type: "Point", coordinates: at }, properties });
    } else if (geometry.type === "LineString" && geometry.coordinates.length >= 2) {
      features.push({ type: "Feature", geometry, properties });
    }
  });
  return features;
}

const km = (value) => `${Math.round(value).toLocaleString("en-GB")} km`;

function legSummary(leg) {
  if (leg.mode === "border") return `border: ${(leg.border && leg.border.name) || leg.from} (${leg.countries.join("→")})`;
  if (leg.mode === "transfer") return `transfer at ${leg.from}`;
  const what = leg.service ? `${leg.mode} (${leg.service})` : leg.mode;
  return `${what}: ${leg.from} → ${leg.to}, ${km(leg.km)}`;
}

// every [lon, lat] the route passes, in order: its legs' lines, or the route's own line
export function routeCoordinates(route) {
  const points = [];
  for (const leg of route.legs) {
    const g = leg.geometry;
    if (!g) continue;
    if (g.type === "Point") points.push(g.coordinates);
    else points.push(...g.coordinates);
  }
  return points.length ? points : route.geometry.coordinates;
}

export function addRouteLayers(map, beforeId) {
  map.addSource("legs", { type: "geojson", data: EMPTY });
  const lineModes = ["match", ["get", "mode"], Object.keys(MODES), true, false];
  map.addLayer({
    id: "legs-casing", type: "line", source: "legs", filter: lineModes,
    layout: { "line-join": "round", "line-cap": "round" },
    paint: { "line-color": "#ffffff", "line-width": 8, "line-opacity": 0.9 },
  }, beforeId);
  for (const [mode, style] of Object.entries(MODES)) {
    const paint = { "line-color": style.colour, "line-width": style.width };
    if (style.dash) paint["line-dasharray"] = style.dash;
    map.addLayer({
      id: `leg-${mode}`, type: "line", source: "legs", filter: ["==", ["get", "mode"], mode],
      layout: { "line-join": "round", "line-cap": style.dash ? "round" : "butt" },
      paint,
    }, beforeId);
  }
  const tied = Object.keys(MODES).filter((mode) => MODES[mode].ties);
  map.addLayer({
    id: "leg-ties", type: "line", source: "legs", filter: ["match", ["get", "mode"], tied, true, false],
    paint: { "line-color": "#ffffff", "line-width": 1.5, "line-dasharray": [2, 2.5] },
  }, beforeId);
  const stop = (key) => ["match", ["get", "mode"], ...Object.entries(STOPS).flatMap(([m, s]) => [m, s[key]]), "#000000"];
  map.addLayer({
    id: "leg-stops", type: "circle", source: "legs", filter: ["match", ["get", "mode"], Object.keys(STOPS), true, false],
    paint: {
      "circle-radius": STOPS.border.radius,
      "circle-color": stop("fill"),
      "circle-stroke-color": stop("stroke"),
      "circle-stroke-width": 2,
    },
  }, beforeId);

  const hover = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
  for (const layer of [...LEG_LAYERS, "leg-stops"]) {
    map.on("mouseenter", layer, (e) => {
      hover.setLngLat(e.lngLat).setText(e.features[0].properties.text).addTo(map);
    });
    map.on("mouseleave", layer, () => hover.remove());
  }
}

// the legend's route part, drawn from MODES and STOPS so that it always says what the map shows
export function fillLegend(container) {
  const svg = (inner) => `<svg class="key" width="30" height="12" viewBox="0 0 30 12" aria-hidden="true">${inner}</svg>`;
  const rows = Object.entries(MODES).map(([mode, s]) => {
    const w = Math.min(s.width, 4);
    const dash = s.dash ? ` stroke-dasharray="${s.dash.map((d) => Math.max(d * w, 0.01)).join(" ")}" stroke-linecap="round"` : "";
    const ties = s.ties ? `<line x1="1" y1="6" x2="29" y2="6" stroke="#fff" stroke-width="1.2" stroke-dasharray="3 4"/>` : "";
    const line = `<line x1="2" y1="6" x2="28" y2="6" stroke="${s.colour}" stroke-width="${w}"${dash}/>${ties}`;
    return `<li data-mode="${mode}">${svg(line)}${s.label}</li>`;
  });
  for (const [mode, s] of Object.entries(STOPS)) {
    const dot = `<circle cx="15" cy="6" r="${s.radius - 0.5}" fill="${s.fill}" stroke="${s.stroke}" stroke-width="2"/>`;
    rows.push(`<li data-mode="${mode}">${svg(dot)}${s.label}</li>`);
  }
  container.innerHTML = rows.join("");
}

// ---- place labels ---------------------------------------------------------------------------------

// Which labels give way first when they collide, and from which zoom they are shown at all.
const LABEL_KINDS = {
  origin: { rank: 0, minZoom: 0 },
  destination: { rank: 0, minZoom: 0 },
  via: { rank: 1, minZoom: 0 },
  transfer: { rank: 2, minZoom: 2 },
  border: { rank: 3, minZoom: 2.5 },
  stop: { rank: 4, minZoom: 3.5 },
};

const normal = (text) => String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

// The places worth a name on the map: the ends, the via places, and where the mode changes
// (terminals and ports), the borders, and calls between two legs of the route.
export function routePlaces(route, knownPlaces) {
  const legs = route.legs;
  const coords = routeCoordinates(route);
  const out = [
    { kind: "origin", name: route.origin, lngLat: coords[0] },
    { kind: "destination", name: route.destination, lngLat: coords[coords.length - 1] },
  ];
  const vias = new Set((route.via || []).map(normal));
  const seen = new Set([normal(route.origin), normal(route.destination)]);
  const add = (kind, name, lngLat, detail) => {
    const key = normal(name);
    if (!name || !lngLat || seen.has(key)) return;
    seen.add(key);
    out.push({ kind: vias.has(key) ? "via" : kind, name, lngLat, detail });
  };
  const first = (leg) => (leg.geometry.type === "Point" ? leg.geometry.coordinates : leg.geometry.coordinates[0]);
  legs.forEach((leg, i) => {
    if (!leg.geometry) return;
    if (leg.mode === "transfer") add("transfer", leg.from, first(leg), "transfer");
    else if (leg.mode === "border") {
      const name = (leg.border && leg.border.name) || leg.from;
      add("border", name, first(leg), `border ${leg.countries.join("→")}`);
    } else if (i > 0 && !(legs[i - 1].mode in STOPS) && legs[i - 1].to === leg.from) {
      add("stop", leg.from, first(leg), legs[i - 1].mode === leg.mode ? "call" : `${legs[i - 1].mode} → ${leg.mode}`);
    }
  });
  // a via passed without a stop (the same train or ship goes on): placed from the data pack
  for (const via of route.via || []) {
    if (seen.has(normal(via))) continue;
    const lngLat = viaPosition(via, knownPlaces);
    if (lngLat) add("via", via, lngLat, "via");
  }
  return out;
}

function viaPosition(via, knownPlaces) {
  const pair = String(via).match(/^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/);
  if (pair) return [Number(pair[2]), Number(pair[1])];
  const place = knownPlaces.find((p) => normal(p.name) === normal(via));
  return place ? [place.lon, place.lat] : null;
}

// HTML markers for the route's places; the names give way to each other (by rank) and to the pins
export class PlaceLabels {
  constructor(map) {
    this.map = map;
    this.labels = [];
    map.on("moveend", () => this.declutter());
  }

  show(places) {
    this.clear();
    for (const place of places) {
      const element = document.createElement("div");
      element.className = `place-label kind-${place.kind}`;
      element.dataset.kind = place.kind;
      element.title = place.detail ? `${place.name} (${place.detail})` : place.name;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = place.name;
      element.append(name);
      const marker = new maplibregl.Marker({ element, anchor: "center" }).setLngLat(place.lngLat).addTo(this.map);
      this.labels.push({ ...place, marker, element, name, size: null });
    }
    this.declutter();
  }

  clear() {
    for (const label of this.labels) label.marker.remove();
    this.labels = [];
  }

  // show a name only where it fits: ranked, off the others, on the side of its point that faces the map
  declutter() {
    const canvas = this.map.getCanvas();
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    const zoom = this.map.getZoom();
    const taken = [];
    const ordered = [...this.labels].sort((a, b) => LABEL_KINDS[a.kind].rank - LABEL_KINDS[b.kind].rank);
    for (const label of ordered) {
      label.element.classList.remove("quiet");
      if (!label.size) {
        const r = label.name.getBoundingClientRect();
        label.size = { width: r.width, height: r.height };
      }
      const isEnd = label.kind === "origin" || label.kind === "destination";
      const p = this.map.project(label.lngLat);
      // beside the pin's head for the ends, beside the dot for the others
      const dy = isEnd ? -28 : 0;
      const gap = isEnd ? 13 : 8;
      const flip = p.x + gap + label.size.width > width - MARGIN_PX;
      label.element.classList.toggle("flip", flip);
      const left = flip ? p.x - gap - label.size.width : p.x + gap;
      const box = { left, right: left + label.size.width, top: p.y + dy - label.size.height / 2 };
      box.bottom = box.top + label.size.height;
      const hidden =
        zoom < LABEL_KINDS[label.kind].minZoom ||
        box.right < 0 || box.left > width || box.bottom < 0 || box.top > height ||
        taken.some((t) => overlaps(t, box, 2));
      label.element.classList.toggle("quiet", hidden);
      if (!hidden) taken.push(box);
      // the pin of an end is taken too, shown name or not
      if (isEnd) taken.push({ left: p.x - 14, right: p.x + 14, top: p.y - 41, bottom: p.y });
    }
  }
}

function overlaps(a, b, margin = 0) {
  return a.left < b.right + margin && b.left < a.right + margin && a.top < b.bottom + margin && b.top < a.bottom + margin;
}

// ---- the free part of the map, the legend and the first view --------------------------------------

// px of the map hidden on each side by the panel (the bottom sheet on a phone; nothing beside the map on a laptop)
export function coveredInsets(mapElement, panel) {
  const m = mapElement.getBoundingClientRect();
  const p = panel.getBoundingClientRect();
  const insets = { top: 0, right: 0, bottom: 0, left: 0 };
  const overlapX = Math.min(m.right, p.right) - Math.max(m.left, p.left);
  const overlapY = Math.min(m.bottom, p.bottom) - Math.max(m.top, p.top);
  if (overlapX <= 0 || overlapY <= 0 || getComputedStyle(panel).visibility === "hidden") return insets;
  if (overlapX >= m.width - 1) {  // a sheet across the whole width, at the top or the bottom
    if (p.top > m.top + 1) insets.bottom = m.bottom - p.top;
    else insets.top = p.bottom - m.top;
  } else if (p.left <= m.left + 1) {
    insets.left = p.right - m.left;
  } else {
    insets.right = m.right - p.left;
  }
  return insets;
}

// where the legend may go, in map px: the four corners, clear of the map's own controls and the panel
function legendSpots(mapElement, insets, legendBox) {
  const controls = (selector) => {
    const el = mapElement.querySelector(selector);
    return el ? el.getBoundingClientRect() : { width: 0, height: 0 };
  };
  const nav = controls(".maplibregl-ctrl-top-right");
  const bottomLeft = controls(".maplibregl-ctrl-bottom-left");
  const bottomRight = controls(".maplibregl-ctrl-bottom-right");
  const w = mapElement.clientWidth;
  const h = mapElement.clientHeight;
  const left = insets.left + MARGIN_PX;
  const right = w - insets.right - MARGIN_PX - legendBox.width;
  const top = insets.top + MARGIN_PX;
  const bottom = (reserved) => h - insets.bottom - Math.max(reserved, MARGIN_PX) - legendBox.height;
  return [
    { name: "top-left", x: left, y: top },
    { name: "bottom-left", x: left, y: bottom(bottomLeft.height + MARGIN_PX) },
    { name: "top-right", x: right - nav.width - (nav.width ? 4 : 0), y: top },
    { name: "bottom-right", x: right, y: bottom(bottomRight.height + MARGIN_PX) },
  ];
}

// how many stretches of a projected line cross a box (both in map px)
function crossings(points, box) {
  let count = 0;
  for (let i = 0; i < points.length; i += 1) {
    const a = points[i];
    const b = points[Math.min(i + 1, points.length - 1)];
    if (segmentTouchesBox(a, b, box)) count += 1;
  }
  return count;
}

function segmentTouchesBox(a, b, box) {
  const inside = (p) => p.x >= box.left && p.x <= box.right && p.y >= box.top && p.y <= box.bottom;
  if (inside(a) || inside(b)) return true;
  if (Math.max(a.x, b.x) < box.left || Math.min(a.x, b.x) > box.right) return false;
  if (Math.max(a.y, b.y) < box.top || Math.min(a.y, b.y) > box.bottom) return false;
  // the segment crosses the box if the box's corners are not all on one side of it
  const side = (x, y) => Math.sign((b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x));
  const sides = new Set([side(box.left, box.top), side(box.right, box.top), side(box.left, box.bottom), side(box.right, box.bottom)]);
  return sides.size > 1 || sides.has(0);
}

// Put the legend in the corner where it covers none of the shown route (and least of the others);
// when no corner is free, collapse it to its button if ``mayCollapse`` (a new view, not the reader's
// own opening of it). Returns whether the shown route is clear of it.
export function placeLegend(map, legend, panel, shownRoute, otherRoutes, { mayCollapse = false } = {}) {
  const mapElement = map.getContainer();
  const insets = coveredInsets(mapElement, panel);
  const project = (coords) => coords.map((c) => map.project(c));
  const shown = shownRoute ? project(shownRoute) : [];
  const others = otherRoutes.map(project);
  const attempt = () => {
    const size = { width: legend.offsetWidth, height: legend.offsetHeight };
    let best = null;
    for (const spot of legendSpots(mapElement, insets, size)) {
      const box = { left: spot.x - 4, top: spot.y - 4, right: spot.x + size.width + 4, bottom: spot.y + size.height + 4 };
      const score = [crossings(shown, box), others.reduce((sum, line) => sum + crossings(line, box), 0)];
      if (!best || score[0] < best.score[0] || (score[0] === best.score[0] && score[1] < best.score[1])) {
        best = { spot, score };
      }
    }
    legend.style.left = `${best.spot.x}px`;
    legend.style.top = `${best.spot.y}px`;
    legend.dataset.corner = best.spot.name;
    return best.score[0] === 0;
  };
  if (attempt()) return true;
  if (mayCollapse && legend.open) {
    legend.open = false;
    return attempt();
  }
  return false;
}

// fit the view to the route, with the panel's cover and the legend's button added to the padding
export function fitRoute(map, coordinates, panel, { extraTop = 0, animate = false } = {}) {
  if (!coordinates.length) return;
  const bounds = new maplibregl.LngLatBounds(coordinates[0], coordinates[0]);
  for (const c of coordinates) bounds.extend(c);
  const insets = coveredInsets(map.getContainer(), panel);
  const padding = {};
  for (const side of ["top", "right", "bottom", "left"]) padding[side] = FIT_PADDING_PX[side] + insets[side];
  padding.top += extraTop;
  // a map too small for that padding still shows the route, with what room there is
  const spare = (a, b, size) => Math.max(0, a + b - (size - 40)) / 2;
  const cut = { x: spare(padding.left, padding.right, map.getContainer().clientWidth), y: spare(padding.top, padding.bottom, map.getContainer().clientHeight) };
  padding.left -= Math.min(cut.x, FIT_PADDING_PX.left);
  padding.right -= Math.min(cut.x, FIT_PADDING_PX.right);
  padding.top -= Math.min(cut.y, FIT_PADDING_PX.top);
  padding.bottom -= Math.min(cut.y, FIT_PADDING_PX.bottom);
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  map.fitBounds(bounds, { padding, maxZoom: 8, duration: animate && !reduced ? 600 : 0 });
}
