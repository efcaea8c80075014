// Shared by the end-to-end tests and the timing harness: serves the
// Trunk-built page (dist/) on a free local port and starts Debian's Chromium.

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const dist = join(root, "dist");
export const artifacts = join(root, "artifacts");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".png": "image/png",
};

/** Serves dist/ on 127.0.0.1; resolves to {url, close, served}, `served`
 * the path of every request, in order. */
export async function serve() {
  const served = [];
  await stat(join(dist, "index.html")).catch(() => {
    throw new Error("dist/index.html is missing: run `trunk build --release` first (make test does)");
  });
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    served.push(path);
    const file = join(dist, path.endsWith("/") ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)), served };
}

/** Debian's Chromium, with the flags that keep it from waiting on the network. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** Every Content-Security-Policy violation any page opened here reported. */
export const cspViolations = [];

/** Every page opened here (by `open`, or given to `track`), with its
 * context, the address it was opened at and the errors it threw, until a
 * test's teardown takes them (`opened.splice(0)`). */
export const opened = [];

/** Records the uncaught errors of `page` (in `opened`); returns their list. */
export function track(page, context, url) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  opened.push({ url, errors, context });
  return errors;
}

/** Opens a page and waits until the app has drawn its first frame. Errors
 * thrown in the page and CSP violations are collected in `errors` (and the
 * page in `opened`); the violations also in `cspViolations`, which the tests
 * require to stay empty. `init`, if given, runs in the page before its own
 * scripts, given `initArg`. */
export async function open(browser, url, options = {}, init = null, initArg = undefined) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = track(page, context, url);
  await page.exposeFunction("__optivizCspViolation", (text) => {
    cspViolations.push(`${url}: ${text}`);
    errors.push(`CSP violation: ${text}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__optivizCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}${e.sample ? ` (${e.sample})` : ""}`),
    );
  });
  // A script of the caller's to run before the page's own (`init(initArg)`).
  if (init) await page.addInitScript(init, initArg);
  await page.goto(url);
  await page.waitForSelector("body.ready", { timeout: 20000 });
  return { page, errors, context };
}

/** Starts recording the page's long tasks (over 50 ms on the main thread);
 * `longTasks(page)` then gives their durations. */
export async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    }).observe({ entryTypes: ["longtask"] });
  });
}

/** The durations of the long tasks since `watchLongTasks(page)`. */
export const longTasks = (page) => page.evaluate(() => window.longTasks);

/** An init script (`open`'s `init`): counts, per Web Worker the page starts,
 * the messages sent to it and received from it, and whether it was
 * terminated, in `window.workerMessages` (the page's workers answer each
 * message once, so a live worker's `sent - received` are still to come). */
export function countWorkerMessages() {
  const Base = window.Worker;
  const workers = [];
  window.workerMessages = workers;
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      const w = { sent: 0, received: 0, terminated: false };
      workers.push(w);
      this.counts = w;
      this.addEventListener("message", () => w.received++);
    }
    postMessage(...args) {
      this.counts.sent++;
      return super.postMessage(...args);
    }
    terminate() {
      this.counts.terminated = true;
      return super.terminate();
    }
  };
}

/** The page's surface canvas against a second engine's full-detail drawing
 * of the same experiment and size, after each animation frame for up to
 * `frames` frames: the number of frames it took, or null. */
export async function framesToFullDetail(page, frames) {
  return page.evaluate(async (frames) => {
    const surface = document.getElementById("surface");
    const mk = () => document.createElement("canvas");
    const dpr = devicePixelRatio;
    const pixels = (c) => c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let k = 0; k <= frames; k++) {
      if (k) await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
      const ref = mk();
      const app = new window.wasmBindings.App(ref, mk(), mk(), mk());
      app.setExperiment(window.optiviz.getExperiment());
      app.resize([surface.width / dpr, surface.height / dpr, 200, 100, 200, 100], dpr);
      app.drawSurface(false);
      const [a, b] = [pixels(surface), pixels(ref)];
      app.free();
      if (a.length === b.length && a.every((v, i) => v === b[i])) return k;
    }
    return null;
  }, frames);
}
