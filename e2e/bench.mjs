// The page's timing harness, in headless Chromium on this machine:
//
//   make bench-page      (or: trunk build --release && cd e2e && npm run bench)
//
// Prints, as a table: load to first complete frame, a learning-rate slider's
// input-to-painted-frame time with four optimizers of 500 steps, the surface
// layer for an 800x600 plot, the frames to the full detail after a pan and a
// zoom, the same layer beside a plain-JS peer (peer.mjs) with their ratio, a
// 256x256 basin map in the page's workers with the main thread's longest task
// meanwhile, a network and its landscape, the relief, Record GIF with its
// long tasks, the figures, the limits, and the gzip payload.

import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { availableParallelism } from "node:os";
import { serve, launch, open, dist, watchLongTasks, longTasks, framesToFullDetail } from "./harness.mjs";
import { PEER_SCRIPTS, peerLayer } from "./peer.mjs";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
const ms = (x) => `${x.toFixed(1)} ms`;

const server = await serve();
const browser = await launch();
const rows = [];
// BENCH=relief,surface (say) runs only those sections: load, slider,
// surface, peer, basins, network, relief, gif, figure, rules, limits, payload.
const only = process.env.BENCH?.split(",").map((s) => s.trim());
const want = (name) => !only || only.includes(name);
// Four optimizers of 500 steps on Rosenbrock (the slider's and the relief's).
const four = "fn=rosenbrock&start=-1.5,2&steps=500&o1=sgd&o1.lr=0.001&o2=sgd&o2.lr=0.001&o2.momentum=0.9&o3=adam&o3.lr=0.05&o4=rmsprop&o4.lr=0.003";
try {
  if (want("load")) {
    // 1. Load to first complete frame (a fresh context each time: no cache).
    const loads = [];
    // And to the controls built from the engine's catalogue, a piece per task.
    const controls = [];
    for (let i = 0; i < 10; i++) {
      const { page, context } = await open(browser, server.url);
      await page.waitForFunction(() => performance.getEntriesByName("optiviz-controls").length > 0);
      const at = (name) => performance.getEntriesByName(name)[0].startTime;
      loads.push(await page.evaluate(at, "optiviz-first-frame"));
      controls.push(await page.evaluate(at, "optiviz-controls"));
      await context.close();
    }
    rows.push(["load to first complete frame (median of 10)", ms(median(loads)), `min ${ms(Math.min(...loads))}, max ${ms(Math.max(...loads))}`]);
    rows.push(["load to the controls built (median of 10)", ms(median(controls)), `min ${ms(Math.min(...controls))}, max ${ms(Math.max(...controls))}`]);
  }
  if (want("slider")) {
    // 2. Learning-rate slider, four optimizers of 500 steps on Rosenbrock.
    const { page, context } = await open(browser, `${server.url}?${four}`);
    // Measure once the full-detail surface has replaced the first, coarse one.
    await page.waitForFunction(() => performance.getEntriesByName("optiviz-refined").length > 0);
    const result = await page.evaluate(async () => {
      const surface = document.getElementById("surface");
      const sample = () => [...surface.getContext("2d").getImageData(0, 0, surface.width, surface.height).data.filter((_, i) => i % 997 === 0)].join();
      const before = sample();
      const slider = document.querySelector('[aria-label="Learning rate"]');
      const handler = [];
      const painted = [];
      for (let i = 0; i < 60; i++) {
        // Real input arrives at any point of a frame: spread the events evenly
        // over the 16.7 ms frame interval (0, 0.28, 0.56, ... ms after a frame).
        await new Promise((r) => requestAnimationFrame(r));
        const phase = (i * 16.7) / 60;
        const begin = performance.now();
        while (performance.now() - begin < phase) await new Promise((r) => setTimeout(r, 0));
        const t0 = performance.now();
        slider.value = String(-3.3 + (i % 20) * 0.01);
        slider.dispatchEvent(new Event("input", { bubbles: true }));
        handler.push(performance.now() - t0);
        await new Promise((r) => requestAnimationFrame(r));
        painted.push(performance.now() - t0);
      }
      return { handler, painted, surfaceUnchanged: sample() === before };
    });
    await context.close();
    rows.push(["lr slider: input handler (recompute 4x500 steps, redraw paths, chart, status)", ms(median(result.handler)), `median of 60; max ${ms(Math.max(...result.handler))}`]);
    rows.push(["lr slider: input event to painted frame", ms(median(result.painted)), `median of 60 events spread over the frame interval; time to the next animation frame after the handler; surface redrawn: ${result.surfaceUnchanged ? "no" : "YES"}`]);
  }
  if (want("surface")) {
    // 3. The surface layer for an 800x600 plot at device pixel ratio 1.
    const { page: p2, context: c2 } = await open(browser, server.url);
    const surf = await p2.evaluate(async () => {
      const { App } = window.wasmBindings;
      const out = {};
      for (const fn of ["rosenbrock", "rastrigin", "goldstein_price", "levi13", "linear_regression", "logistic_regression"]) {
        const times = [];
        for (let i = 0; i < 7; i++) {
          const mk = () => document.createElement("canvas");
          const app = new App(mk(), mk(), mk(), mk());
          app.setFunction(fn);
          app.resize([800, 600, 800, 200, 800, 240], 1);
          const t0 = performance.now();
          app.drawSurface(false);
          times.push(performance.now() - t0);
          app.free();
        }
        times.sort((a, b) => a - b);
        out[fn] = times[3];
      }
      return out;
    });
    await c2.close();
    for (const [fn, t] of Object.entries(surf)) {
      rows.push([`surface layer 800x600 (${fn}): raster, contours, axes`, ms(t), "median of 7, nothing cached"]);
    }
    // 3a. The full detail on the page after a pan (a drag of 8 moves) and a
    // zoom (one wheel turn) of Himmelblau in a 1100x800 window: the animation
    // frames until the page's surface canvas equals a second engine's
    // full-detail drawing pixel for pixel (each check itself a full drawing,
    // so the frames are the page's and the check's), five times each.
    for (const dpr of [1, 2]) {
      const frames = { pan: [], zoom: [] };
      for (let round = 0; round < 5; round++) {
        const { page, context } = await open(browser, `${server.url}?fn=himmelblau`, { viewport: { width: 1100, height: 800 }, deviceScaleFactor: dpr });
        await page.waitForFunction(() => performance.getEntriesByName("optiviz-refined").length > 0);
        await framesToFullDetail(page, 600);
        const box = await page.locator("#paths").boundingBox();
        await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.7);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 8 });
        await page.mouse.up();
        frames.pan.push(await framesToFullDetail(page, 600));
        await page.mouse.wheel(0, -300);
        frames.zoom.push(await framesToFullDetail(page, 600));
        await context.close();
      }
      for (const [what, n] of Object.entries(frames)) {
        rows.push([`full detail after a ${what}, Himmelblau, DPR ${dpr}`, `${median(n)} frames`, `median of 5 (${n.join(", ")}); animation frames from the input's end to the page's canvas equal to a full-detail drawing`]);
      }
    }
  }
  if (want("peer")) {
    // 3b. The same layer, optiviz against the plain-JS peer (peer.mjs: a JS
    // loop, d3-scale-chromatic's viridis, d3-contour, canvas axes), side by
    // side in this Chromium, one of each in turn (so that both see the host
    // at the same speed), at two sizes and two device pixel ratios; every
    // time is a median of 7 with the canvas flushed.
    // The page's margins around the plotting rectangle at these widths, with
    // the colour scale (src/render/frame.rs, plot_rect): the peer plots the
    // same number of pixels.
    const MARGINS = { l: 52, r: 78, t: 10, b: 34 };
    const MINIMA = {
      rosenbrock: [[1, 1]],
      rastrigin: [[0, 0]],
      levi13: [[1, 1]],
      himmelblau: [[3, 2], [-2.805118, 3.131312], [-3.77931, -3.283186], [3.584428, -1.848126]],
    };
    const { page: mine, context: c3 } = await open(browser, server.url);
    const peerContext = await browser.newContext({ bypassCSP: true });
    const peer = await peerContext.newPage();
    await peer.goto(server.url);
    for (const file of PEER_SCRIPTS) await peer.addScriptTag({ path: join(import.meta.dirname, "node_modules", file) });
    for (const [w, h] of [[800, 600], [1024, 768]]) {
      for (const dpr of [1, 2]) {
        for (const name of Object.keys(MINIMA)) {
          const mineTimes = [];
          const peerTimes = [];
          // One engine per case, its canvas kept as the page keeps it; each
          // draw after a pan of one pixel, so that nothing is cached (the
          // peer's canvas is kept too).
          await mine.evaluate(({ name, w, h, dpr }) => {
            const { App } = window.wasmBindings;
            const mk = () => document.createElement("canvas");
            window.benchSurface = mk();
            window.benchApp = new App(window.benchSurface, mk(), mk(), mk());
            window.benchApp.setFunction(name);
            window.benchApp.resize([w, h, w, 200, w, 240], dpr);
            window.benchApp.drawSurface(false);
          }, { name, w, h, dpr });
          for (let r = 0; r < 8; r++) {
            const ours = await mine.evaluate((r) => {
              const app = window.benchApp;
              app.pan(r % 2 ? 1 : -1, 0);
              const t0 = performance.now();
              app.drawSurface(false);
              window.benchSurface.getContext("2d").getImageData(0, 0, 1, 1);
              return { t: performance.now() - t0, view: app.viewWindow() };
            }, r);
            const theirs = await peer.evaluate(peerLayer, { name, view: ours.view, minima: MINIMA[name], w, h, dpr, margins: MARGINS, reps: 1 });
            // The first of each warms up.
            if (r > 0) {
              mineTimes.push(ours.t);
              peerTimes.push(theirs.times[0]);
            }
          }
          await mine.evaluate(() => window.benchApp.free());
          const [ours, theirs] = [median(mineTimes), median(peerTimes)];
          rows.push([`surface ${w}x${h} at DPR ${dpr} (${name}): optiviz / plain JS + d3-contour`, `${ms(ours)} / ${ms(theirs)}`, `peer ÷ optiviz = ${(theirs / ours).toFixed(1)}×; medians of 7 taken in turn, after a pan, nothing cached, canvas flushed`]);
        }
      }
    }
    await c3.close();
    await peerContext.close();
  }
  if (want("basins")) {
    // 4. A basin map: 256 x 256 starts of 500-step Adam on Himmelblau, from the
    // click to the finished map, in the page's workers; and the main thread's
    // longest task meanwhile. Once with a worker per core the browser reports,
    // once with the browser reporting four cores (so four workers).
    for (const cores of [null, 4]) {
      const { page, context } = await open(browser, `${server.url}?fn=himmelblau&start=0,0&steps=500&o1=adam&o1.lr=0.1`, {}, cores && ((n) => Object.defineProperty(Navigator.prototype, "hardwareConcurrency", { get: () => n })), cores);
      await watchLongTasks(page);
      await page.locator("#basins summary").click();
      await page.locator("#basin-grid").selectOption("256");
      const t0 = await page.evaluate(() => performance.now());
      await page.locator("#basin-run").click();
      await page.waitForFunction(() => document.getElementById("basin-status").textContent.startsWith("256 × 256"), null, { timeout: 300000 });
      const t1 = await page.evaluate(() => performance.now());
      const workers = await page.evaluate(() => Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 16)));
      const longest = Math.max(0, ...(await longTasks(page)));
      const how = cores ? `as if on ${cores} cores, on ${availableParallelism()}` : "navigator.hardwareConcurrency";
      rows.push([`basin map 256x256, Adam 500 steps on Himmelblau, ${workers} workers`, ms(t1 - t0), `${how}; longest main-thread task meanwhile ${ms(longest)}`]);
      await context.close();
    }
  }
  if (want("network")) {
    // 5. A network: 500 full-batch steps of a 2-8-8-1 tanh MLP on 200 rows
    // for 4 optimizers (training, its plane and the runs' projections, on the
    // main thread); then its landscape in the page's workers, coarse to fine
    // up to about 100 x 100 samples, from the job's start to the finest grid
    // drawn (after a change of window, with the engine already loaded).
    const net = { function: { name: "mlp", hidden: [8, 8], activation: "tanh", dataset: { name: "circle", n: 200 } }, steps: 500,
      optimizers: [{ name: "sgd", lr: 0.5 }, { name: "sgd", lr: 0.1, momentum: 0.9 }, { name: "adam", lr: 0.02 }, { name: "rmsprop", lr: 0.01 }] };
    // Five fresh pages, a median of 9 each: this host's speed moves between
    // runs, and the spread shows it.
    const medians = [];
    for (let r = 0; r < 5; r++) {
      const { page, context } = await open(browser, server.url);
      medians.push(await page.evaluate((exp) => {
        const { App } = window.wasmBindings;
        const mk = () => document.createElement("canvas");
        const app = new App(mk(), mk(), mk(), mk());
        const times = [];
        for (let i = 0; i < 9; i++) {
          const t0 = performance.now();
          app.setExperiment(exp);
          times.push(performance.now() - t0);
        }
        app.free();
        return times.sort((a, b) => a - b)[4];
      }, net));
      await context.close();
    }
    rows.push(["network: 500 steps x 4 optimizers, 2-8-8-1 tanh MLP on 200 rows, with its plane", ms(Math.min(...medians)), `the least of 5 pages' medians of 9 (${medians.map(ms).join(", ")}), App.setExperiment (main thread)`]);
    for (const cores of [null, 4]) {
      const { page, context } = await open(browser, server.url, {}, cores && ((n) => Object.defineProperty(Navigator.prototype, "hardwareConcurrency", { get: () => n })), cores);
      await page.evaluate((exp) => window.optiviz.setExperiment(exp), net);
      await page.waitForFunction(() => performance.getEntriesByName("optiviz-landscape").length > 0, null, { timeout: 60000 });
      await watchLongTasks(page);
      const times = [];
      let levels = "";
      for (let i = 0; i < 5; i++) {
        const t = await page.evaluate(async (k) => {
          const done = performance.getEntriesByName("optiviz-landscape").length;
          const w = window.optiviz.getExperiment();
          const win = document.getElementById("window-x1");
          win.value = String(Number(win.value) + 0.5 * (k + 1));
          win.dispatchEvent(new Event("change"));
          while (performance.getEntriesByName("optiviz-landscape").length === done) await new Promise((r) => setTimeout(r, 5));
          const start = performance.getEntriesByName("optiviz-landscape-start").at(-1).startTime;
          const end = performance.getEntriesByName("optiviz-landscape").at(-1).startTime;
          return [end - start, document.getElementById("landscape-status").textContent, w.steps];
        }, i);
        times.push(t[0]);
        levels = t[1];
      }
      const longest = Math.max(0, ...(await longTasks(page)));
      const workers = await page.evaluate(() => Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 16)));
      const how = cores ? `as if on ${cores} cores, on ${availableParallelism()}` : "navigator.hardwareConcurrency";
      rows.push([`network landscape, 3 grids to the finest, ${workers} workers`, ms(median(times)), `median of 5; ${levels.replace(/^Landscape: /, "")} ${how}; longest main-thread task meanwhile ${ms(longest)}`]);
      await context.close();
    }
  }
  // 6. The relief turning at 1024x768 CSS px (device pixel ratio 1), four
  // optimizers of 500 steps on Rosenbrock, a mesh of 64 x 64 cells while it turns:
  // the engine's frame (rasterize, then axes and paths drawn, the canvas
  // flushed) timed directly; and the frames a real drag gets, a pointer
  // move per animation frame through the page's own handlers.
  if (want("relief")) {
    const link = `${four}&view3d=-35,30`;
    const { page, context } = await open(browser, `${server.url}?${link}`, { viewport: { width: 1700, height: 1000 } });
    const engine = await page.evaluate((link) => {
      const { App } = window.wasmBindings;
      const mk = () => document.createElement("canvas");
      const [surface, paths] = [mk(), mk()];
      const app = new App(surface, paths, mk(), mk());
      app.loadQuery(link);
      app.step = app.maxStep();
      app.resize([1024, 768, 400, 150, 400, 200], 1);
      app.setRelief(-35, 30, 1);
      const times = [];
      for (let i = 0; i < 61; i++) {
        const t0 = performance.now();
        app.setRelief(-35 + 3 * i, 30 + 10 * Math.sin(i / 9), 1);
        app.drawSurface(true);
        surface.getContext("2d").getImageData(0, 0, 1, 1);
        paths.getContext("2d").getImageData(0, 0, 1, 1);
        if (i > 0) times.push(performance.now() - t0);
      }
      const still = performance.now();
      app.drawSurface(false);
      surface.getContext("2d").getImageData(0, 0, 1, 1);
      paths.getContext("2d").getImageData(0, 0, 1, 1);
      const stillMs = performance.now() - still;
      app.free();
      return { frame: times.sort((a, b) => a - b)[30], worst: times.at(-1), still: stillMs };
    }, link);
    rows.push(["relief turning 1024x768, 64x64-cell mesh, 4 paths x 500 steps: one frame", ms(engine.frame), `median of 60 angles (${(1000 / engine.frame).toFixed(0)} frames/s of work), slowest ${ms(engine.worst)}; App.setRelief + drawSurface(true) (the relief and its paths), canvases flushed; once still (128x128 cells, 1.5 raster px a CSS px) ${ms(engine.still)}`]);
    const drag = await page.evaluate(async () => {
      const plot = document.getElementById("plot");
      plot.style.cssText = "width:1024px;height:768px;max-height:none;aspect-ratio:auto;flex:none";
      await new Promise((r) => setTimeout(r, 400));
      const c = document.getElementById("paths");
      const r = c.getBoundingClientRect();
      const ev = (type, x, y) => c.dispatchEvent(new PointerEvent(type, { bubbles: true, pointerId: 1, isPrimary: true, button: 0, buttons: type === "pointerup" ? 0 : 1, pointerType: "mouse", clientX: r.left + x, clientY: r.top + y }));
      ev("pointerdown", 500, 400);
      const stamps = [];
      for (let i = 0; i < 121; i++) {
        ev("pointermove", 500 + 3 * (i + 1), 400 + 5 * Math.sin(i / 10));
        await new Promise((done) => requestAnimationFrame(done));
        stamps.push(performance.now());
      }
      ev("pointerup", 500, 400);
      const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
      return { size: [c.width, c.height], fps: (1000 * gaps.length) / (stamps.at(-1) - stamps[0]), worst: Math.max(...gaps) };
    });
    rows.push([`relief drag on the page, plot ${drag.size.join("x")}`, `${drag.fps.toFixed(1)} frames/s`, `120 pointer moves, one per animation frame (the display's rate caps it); longest frame ${ms(drag.worst)}`]);
    await context.close();
  }
  if (want("gif")) {
    // 8. Record GIF: four optimizers of 500 steps at 640x480, 20 frames a
    // second, from the click to the download; the main thread's long tasks
    // meanwhile (the frames drawn as SVG and encoded in the figures' worker,
    // rasterized here a task each).
    const { page, context } = await open(browser, `${server.url}?${four}`);
    await page.evaluate(() => document.getElementById("record-gif").click());
    await page.selectOption("#gif-size", "640x480");
    await page.selectOption("#gif-fps", "20");
    await watchLongTasks(page);
    const t0 = Date.now();
    const download = page.waitForEvent("download", { timeout: 600000 });
    await page.click("#gif-run");
    await download;
    const seconds = (Date.now() - t0) / 1000;
    const said = await page.locator("#gif-status").textContent();
    const long = (await longTasks(page)).sort((a, b) => b - a);
    rows.push(["Record GIF, 4 optimizers x 500 steps, 640x480, 20 fps: click to download", `${seconds.toFixed(1)} s`, `${said.replace(/^Saved optiviz\.gif: /, "").replace(/\.$/, "")}; ${long.length} main-thread tasks over 50 ms, the longest ${long.length ? ms(long[0]) : "none"}`]);
    await context.close();
  }
  if (want("figure")) {
    // 9. The SVG download of four optimizers' 500 steps, from the click to
    // the file: the first (the figures' module fetched and compiled, from a
    // fresh browser context), then the next three (from the browser's cache).
    const clicks = [];
    for (let round = 0; round < 5; round++) {
      const { page, context } = await open(browser, `${server.url}?${four}`);
      const times = [];
      for (let i = 0; i < 4; i++) {
        const t0 = Date.now();
        const [download] = await Promise.all([page.waitForEvent("download"), page.evaluate(() => document.getElementById("download-svg").click())]);
        await download.path();
        times.push(Date.now() - t0);
      }
      clicks.push(times);
      await context.close();
    }
    const first = median(clicks.map((t) => t[0]));
    const next = median(clicks.flatMap((t) => t.slice(1)));
    rows.push(["SVG download, 4 optimizers x 500 steps: click to file", `${ms(first)} the first, ${ms(next)} after`, "medians of 5 fresh pages (the figures' module fetched and compiled on the first) and of their next 3 clicks each"]);
    // The first click of a visit when the pointer has rested on the button
    // for half a second before it (the page starts the worker on hover).
    const warmed = [];
    for (let round = 0; round < 5; round++) {
      const { page, context } = await open(browser, `${server.url}?${four}`);
      await page.evaluate(() => document.getElementById("download-svg").dispatchEvent(new PointerEvent("pointerenter")));
      await page.waitForTimeout(500);
      const t0 = Date.now();
      const [download] = await Promise.all([page.waitForEvent("download"), page.evaluate(() => document.getElementById("download-svg").click())]);
      await download.path();
      warmed.push(Date.now() - t0);
      await context.close();
    }
    rows.push(["SVG download, the first of a visit after 500 ms over the button", ms(median(warmed)), "median of 5 fresh pages"]);
  }
  if (want("rules")) {
    // 11. A typed rule against the built-in optimizer it spells out: Adam's
    // five-line template and Adam, 100,000 steps on Rosenbrock each, one
    // optimizer per experiment, App.setExperiment (main thread), the two
    // alternating, 9 times each; the median of each.
    const { page, context } = await open(browser, server.url);
    const result = await page.evaluate(() => {
      const { App } = window.wasmBindings;
      const mk = () => document.createElement("canvas");
      const app = new App(mk(), mk(), mk(), mk());
      const update = "m = m + (1 - beta1)*(g - m)\nv = beta2*v + (1 - beta2)*g*g\ns = lr/(1 - beta1^t)\nd = sqrt(v)/sqrt(1 - beta2^t) + eps\ntheta = theta - s*(m/d)";
      const typed = { name: "rule", lr: 0.05, hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8 }, state: { m: 0, v: 0, s: 0, d: 0 }, update };
      const builtIn = { name: "adam", lr: 0.05 };
      const exp = (o) => ({ function: { name: "rosenbrock" }, start: [-1.5, 2], steps: 100000, optimizers: [o] });
      const times = { typed: [], builtIn: [] };
      for (let i = 0; i < 10; i++) {
        for (const [k, o] of [["typed", typed], ["builtIn", builtIn]]) {
          const t0 = performance.now();
          app.setExperiment(exp(o));
          // The first round warms both up.
          if (i > 0) times[k].push(performance.now() - t0);
        }
      }
      app.free();
      return times;
    });
    const [t, b] = [median(result.typed), median(result.builtIn)];
    rows.push(["Adam typed as a rule (5 lines), 100,000 steps on Rosenbrock", ms(t), `built-in Adam ${ms(b)}: ${(t / b).toFixed(2)}×; App.setExperiment, median of 9 alternating`]);
    await context.close();
  }
  if (want("limits")) {
    // 10. The most work the limits accept: L-BFGS at its longest settings
    // (max_iter 100, max_eval 1000, history_size 1000, both tolerances 0,
    // a small lr that keeps every inner iteration going),
    // on Rastrigin and on a 64-64-64 network of 3 rows, at the most steps
    // accepted (found by bisection, each probe stopped after a step by
    // stop.max_steps, which the limits do not count), then run in full:
    // App.setExperiment on the main thread, as a link would.
    const lbfgs = { name: "lbfgs", lr: 0.001, max_iter: 100, max_eval: 1000, history_size: 1000, tolerance_grad: 0, tolerance_change: 0 };
    const cases = [
      ["Rastrigin", { function: { name: "rastrigin" }, start: [-3, 3], optimizers: [lbfgs] }],
      ["a 64-64-64 network on 3 rows", { function: { name: "mlp", hidden: [64, 64, 64], dataset: { name: "xor", n: 3 } }, optimizers: [lbfgs] }],
      // For comparison: plain SGD on the same network and 200 rows.
      ["SGD: a 64-64-64 network on 200 rows", { function: { name: "mlp", hidden: [64, 64, 64], dataset: { name: "xor", n: 200 } }, optimizers: [{ name: "sgd", lr: 0.01 }] }],
    ];
    for (const [what, exp] of cases) {
      const { page, context } = await open(browser, server.url);
      const result = await page.evaluate(({ exp, what }) => {
        const make = (steps) => ({ ...exp, steps });
        const { App } = window.wasmBindings;
        const mk = () => document.createElement("canvas");
        const app = new App(mk(), mk(), mk(), mk());
        const accepted = (steps) => { try { app.setExperiment({ ...make(steps), stop: { max_steps: 1 } }); return true; } catch { return false; } };
        let [lo, hi] = [0, 100000];
        while (lo < hi) {
          const mid = Math.ceil((lo + hi) / 2);
          if (accepted(mid)) lo = mid; else hi = mid - 1;
        }
        const times = [];
        for (let i = 0; i < 3 && lo > 0; i++) {
          const t0 = performance.now();
          app.setExperiment(make(lo));
          times.push(performance.now() - t0);
        }
        app.free();
        return { steps: lo, times, what };
      }, { exp, what });
      rows.push([`the most work accepted, ${what.startsWith("SGD") ? what : `L-BFGS, ${what}`}`, result.steps ? ms(Math.max(...result.times)) : "refused at every length", `${result.steps} steps (the most accepted); the longest of 3 runs (${result.times.map(ms).join(", ")}), App.setExperiment (main thread)`]);
      await context.close();
    }
  }
  if (want("payload")) {
    // 7. Payload: what a visit downloads (HTML, JS, WASM, CSS), and apart
    // from it the figures' module (glue and WASM), which the page fetches
    // only the first time a figure or a GIF is asked for.
    const later = (f) => f.startsWith("optiviz-figures");
    const total = { first: { raw: 0, gz: 0, parts: [] }, later: { raw: 0, gz: 0, parts: [] } };
    // The page's modules (dist/js/) are summed as one entry.
    const modules = { n: 0, gz: 0 };
    const files = (await readdir(dist, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    for (const e of files) {
      const f = relative(dist, join(e.parentPath ?? e.path, e.name));
      const body = await readFile(join(dist, f));
      const z = gzipSync(body, { level: 9 }).length;
      const t = later(f) ? total.later : total.first;
      t.raw += body.length;
      t.gz += z;
      if (f.startsWith(`js${sep}`)) {
        modules.n++;
        modules.gz += z;
      } else {
        t.parts.push(`${f.replace(/-[0-9a-f]{16}/, "")} ${(z / 1024).toFixed(1)} KB`);
      }
    }
    if (modules.n) total.first.parts.push(`js/ (${modules.n} modules) ${(modules.gz / 1024).toFixed(1)} KB`);
    const row = (t) => [`${(t.gz / 1024).toFixed(1)} KB`, `${(t.raw / 1024).toFixed(1)} KB raw; ${t.parts.join(", ")}`];
    rows.push(["payload (HTML, JS, WASM, CSS), gzip -9", ...row(total.first)]);
    rows.push(["the figures' module, fetched on the first figure or GIF, gzip -9", ...row(total.later)]);
  }
} finally {
  await browser.close();
  await server.close();
}

console.log("| measure | result | notes |\n| --- | --- | --- |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
