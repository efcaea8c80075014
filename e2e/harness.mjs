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

/** Opens a page and waits until the app has drawn its first frame. Errors
 * thrown in the page and CSP violations are collected in `errors`; the
 * violations also in `cspViolations`, which the tests require to stay empty.
 * `init`, if given, runs in the page before its own scripts, given `initArg`. */
export async function open(browser, url, options = {}, init = null, initArg = undefined) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
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
