// The plain-JS peer the page's surface layer is measured against: the way
// most web visualizers draw the same layer. f sampled in a JS loop into a
// Float64Array, coloured through a 256-entry viridis table from
// d3-scale-chromatic (on a log scale, as the page colours these functions),
// put on a 2D canvas, 14 contour levels by d3-contour drawn as canvas paths,
// then axes with tick labels and the minima. bench.mjs loads d3 (pinned in
// package-lock.json) into a page of its own and runs `peerLayer` there.

/** The peer's scripts, in the order their globals need each other. */
export const PEER_SCRIPTS = [
  "d3-array/dist/d3-array.min.js",
  "d3-color/dist/d3-color.min.js",
  "d3-interpolate/dist/d3-interpolate.min.js",
  "d3-contour/dist/d3-contour.min.js",
  "d3-scale-chromatic/dist/d3-scale-chromatic.min.js",
];

/**
 * Runs in the browser: draws the layer of function `name` over `view`
 * ([x0, x1, y0, y1]) on a canvas of `w` × `h` CSS pixels at `dpr` device
 * pixels each, its plotting rectangle inside `margins` ({l, r, t, b}, CSS
 * pixels), `reps` times after one warm-up; returns each time (ms) and
 * what it drew, to tell it did the work.
 */
export function peerLayer({ name, view, minima, w, h, dpr, margins, reps }) {
  const d3 = window.d3;
  const PI = Math.PI;
  const s2 = (v) => Math.sin(v) ** 2;
  const F = {
    rosenbrock: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    rastrigin: (x, y) => 20 + x * x - 10 * Math.cos(2 * PI * x) + y * y - 10 * Math.cos(2 * PI * y),
    himmelblau: (x, y) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
    levi13: (x, y) => s2(3 * PI * x) + (x - 1) ** 2 * (1 + s2(3 * PI * y)) + (y - 1) ** 2 * (1 + s2(2 * PI * y)),
  };
  const f = F[name];
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const g = canvas.getContext("2d");
  // The plotting rectangle inside margins for the axes (CSS pixels, the
  // page's own, so that both sample the same number of pixels), in device
  // pixels.
  const m = { l: margins.l * dpr, r: margins.r * dpr, t: margins.t * dpr, b: margins.b * dpr };
  const W = Math.round(canvas.width - m.l - m.r);
  const H = Math.round(canvas.height - m.t - m.b);
  const grid = new Float64Array(W * H);
  const image = g.createImageData(W, H);
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const c = d3.rgb(d3.interpolateViridis(i / 255));
    lut.set([c.r, c.g, c.b], 3 * i);
  }
  const [x0, x1, y0, y1] = view;
  let drew = 0;

  function layer() {
    g.fillStyle = "#fff";
    g.fillRect(0, 0, canvas.width, canvas.height);
    // f at the centre of every device pixel, row 0 at the top.
    const dx = (x1 - x0) / W;
    const dy = (y1 - y0) / H;
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < H; j++) {
      const y = y1 - (j + 0.5) * dy;
      for (let i = 0; i < W; i++) {
        const v = f(x0 + (i + 0.5) * dx, y);
        grid[j * W + i] = v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    // Log colours: dark low, yellow high.
    const base = 0;
    const span = Math.log1p(hi - lo) || 1;
    const px = image.data;
    for (let k = 0, p = 0; k < grid.length; k++, p += 4) {
      const q = 3 * Math.min(255, Math.max(0, Math.round((255 * (Math.log1p(grid[k] - lo) - base)) / span)));
      px[p] = lut[q];
      px[p + 1] = lut[q + 1];
      px[p + 2] = lut[q + 2];
      px[p + 3] = 255;
    }
    g.putImageData(image, m.l, m.t);
    // 14 levels, evenly spaced on the colour scale.
    const levels = Array.from({ length: 14 }, (_, k) => lo + Math.expm1(base + (span * (k + 1)) / 15));
    const rings = d3.contours().size([W, H]).thresholds(levels)(grid);
    g.save();
    g.translate(m.l, m.t);
    g.strokeStyle = "rgba(255,255,255,0.45)";
    g.lineWidth = dpr;
    for (const level of rings) {
      g.beginPath();
      for (const polygon of level.coordinates) {
        for (const ring of polygon) {
          g.moveTo(ring[0][0], ring[0][1]);
          for (let k = 1; k < ring.length; k++) g.lineTo(ring[k][0], ring[k][1]);
        }
      }
      g.stroke();
      drew += level.coordinates.length;
    }
    g.restore();
    // Axes: a frame, ticks and their numbers.
    g.strokeStyle = "#333";
    g.fillStyle = "#333";
    g.lineWidth = dpr;
    g.font = `${11 * dpr}px sans-serif`;
    g.strokeRect(m.l, m.t, W, H);
    for (let k = 0; k <= 8; k++) {
      const tx = m.l + (W * k) / 8;
      const ty = m.t + (H * k) / 8;
      g.beginPath();
      g.moveTo(tx, m.t + H);
      g.lineTo(tx, m.t + H + 5 * dpr);
      g.moveTo(m.l - 5 * dpr, ty);
      g.lineTo(m.l, ty);
      g.stroke();
      g.textAlign = "center";
      g.fillText((x0 + ((x1 - x0) * k) / 8).toFixed(1), tx, m.t + H + 16 * dpr);
      g.textAlign = "right";
      g.fillText((y1 - ((y1 - y0) * k) / 8).toFixed(1), m.l - 7 * dpr, ty + 4 * dpr);
    }
    // The minima: a white cross each.
    g.strokeStyle = "#fff";
    g.lineWidth = 2 * dpr;
    for (const [mx, my] of minima) {
      const cx = m.l + ((mx - x0) / (x1 - x0)) * W;
      const cy = m.t + ((y1 - my) / (y1 - y0)) * H;
      g.beginPath();
      g.moveTo(cx - 6 * dpr, cy);
      g.lineTo(cx + 6 * dpr, cy);
      g.moveTo(cx, cy - 6 * dpr);
      g.lineTo(cx, cy + 6 * dpr);
      g.stroke();
    }
    // Drawn, not only recorded: Chromium rasterizes canvas commands lazily.
    g.getImageData(0, 0, 1, 1);
  }

  layer();
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    layer();
    times.push(performance.now() - t0);
  }
  return { times, rings: drew, pixels: W * H };
}
