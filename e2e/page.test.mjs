// End-to-end tests of the Trunk-built page in headless Chromium.
//
//   cd e2e && npm test     (after `trunk build --release`; `make test` runs both)
//
// Screenshots go to artifacts/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { serve, launch, open, artifacts } from "./harness.mjs";

let server;
let browser;

before(async () => {
  await mkdir(artifacts, { recursive: true });
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Counts pixels of a canvas that are not fully transparent. */
const inkOf = (page, id) =>
  page.evaluate((id) => {
    const c = document.getElementById(id);
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  }, id);

const query = (page) => new URL(page.url()).searchParams;

test("the page loads, draws the surface and paths, and reports every optimizer", async () => {
  const { page, errors } = await open(browser, server.url);
  assert.deepEqual(errors, []);
  assert.ok((await inkOf(page, "paths")) > 1000, "paths are drawn");
  // The heatmap fills the plot: sample its centre, which must be opaque and coloured.
  const centre = await page.evaluate(() => {
    const c = document.getElementById("surface");
    return [...c.getContext("2d").getImageData(c.width >> 1, c.height >> 1, 1, 1).data];
  });
  assert.equal(centre[3], 255);
  const legend = await page.locator("#legend li").allTextContents();
  assert.equal(legend.length, 3);
  assert.match(legend[0], /sgd lr=0\.0015\s*step 500, loss/);
  assert.equal(await page.getByRole("combobox", { name: "Function" }).inputValue(), "rosenbrock");
  assert.equal(await page.getByRole("img", { name: "Loss surface" }).count(), 1);
  const url = query(page);
  assert.equal(url.get("fn"), "rosenbrock");
  assert.equal(url.get("o3"), "adam");
  await page.screenshot({ path: join(artifacts, "page.png"), fullPage: true });
});

test("moving a learning-rate slider changes the trajectory and the URL", async () => {
  const { page } = await open(browser, server.url);
  const before = await page.evaluate(() => window.optiviz.getRuns().runs[0].points.at(-1));
  const group = page.getByRole("group", { name: "SGD", exact: true });
  const slider = group.getByRole("slider", { name: "Learning rate" });
  await slider.fill("-3.5"); // 10^-3.5 ≈ 3.16e-4
  const after = await page.evaluate(() => window.optiviz.getRuns().runs[0].points.at(-1));
  assert.notDeepEqual(after, before);
  assert.equal(await group.getByRole("spinbutton", { name: "Learning rate (exact)" }).inputValue(), "0.000316");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("o1.lr") === "0.000316");
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().optimizers[0].lr), 0.000316);
});

test("clicking the plot moves the start point", async () => {
  const { page } = await open(browser, server.url);
  const box = await page.locator("#paths").boundingBox();
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.25);
  const start = await page.evaluate(() => window.optiviz.getExperiment().start);
  assert.notDeepEqual(start, [-1.5, 2]);
  assert.ok(start[0] > 0.5 && start[1] > 1.5, `start moved to the clicked point: ${start}`);
  const runs = await page.evaluate(() => window.optiviz.getRuns().runs);
  assert.deepEqual(runs[0].points[0], start);
  assert.equal(await page.getByRole("spinbutton", { name: "Start x" }).inputValue(), String(start[0]));
  await page.waitForFunction((s) => new URL(location.href).searchParams.get("start") === s, `${start[0]},${start[1]}`);
});

test("a broken link shows a message naming the parameter and keeps a working page", async () => {
  const { page } = await open(browser, `${server.url}?fn=quadratic&fn.a=-1&start=0,0&steps=10`);
  const message = page.getByRole("alert");
  await assert.doesNotReject(message.waitFor({ state: "visible" }));
  const text = await message.textContent();
  assert.match(text, /fn\.a: must be in \(0, 1000\], got -1/);
  assert.ok((await inkOf(page, "paths")) > 1000, "the default experiment is still drawn");
  await page.screenshot({ path: join(artifacts, "broken-link.png") });
});

test("a non-numeric box is refused with a message and the last valid state is kept", async () => {
  const { page } = await open(browser, server.url);
  const group = page.getByRole("group", { name: "Adam" });
  const box = group.getByRole("spinbutton", { name: "Learning rate (exact)" });
  await box.fill("-2");
  await box.press("Enter");
  await box.blur();
  const text = await page.getByRole("alert").textContent();
  assert.match(text, /Adam › lr: must be a finite number >= 0, got -2/);
  assert.equal(await box.getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().optimizers[2].lr), 0.08);
  const result = await page.evaluate(() => window.optiviz.setExperiment({ function: { name: "booth" }, start: [0, 0], steps: 5, optimizers: [{ name: "adam", lr: 0.1, betas: [0.9, 2] }] }));
  assert.deepEqual(result, { ok: false, error: "optimizers[0].betas[1]: must be in [0, 1), got 2" });
});

test("embed=1 shows the compact view", async () => {
  const { page } = await open(browser, `${server.url}?fn=saddle&start=-1.8,0.001&steps=80&o1=sgd&o1.lr=0.05&o2=adam&o2.lr=0.05&embed=1`, { viewport: { width: 760, height: 640 } });
  assert.equal(await page.locator(".panel").isVisible(), false);
  assert.equal(await page.getByRole("button", { name: "Play" }).isVisible(), true);
  assert.equal(await page.locator("#legend li").count(), 2);
  assert.ok((await inkOf(page, "paths")) > 500);
  await page.screenshot({ path: join(artifacts, "embed.png") });
});

test("the keyboard plays, steps and resets", async () => {
  const { page } = await open(browser, server.url);
  await page.locator("body").press("r");
  assert.match(await page.locator("#step-out").textContent(), /^step 0 of 500/);
  await page.locator("body").press("ArrowRight");
  assert.match(await page.locator("#step-out").textContent(), /^step 1 of 500/);
  await page.locator("body").press(" ");
  await page.waitForFunction(() => /^step ([2-9]|\d\d+) /.test(document.getElementById("step-out").textContent));
  await page.locator("body").press(" ");
  assert.equal(await page.getByRole("button", { name: "Play" }).count(), 1);
});

test("scenarios load and fit a 375 px wide screen", async () => {
  const { page } = await open(browser, server.url, { viewport: { width: 375, height: 800 }, deviceScaleFactor: 2 });
  await page.getByRole("combobox", { name: "Scenario" }).selectOption("too-large");
  const states = await page.evaluate(() => window.optiviz.getRuns().runs.map((r) => r.status.state));
  assert.equal(states[2], "diverged");
  assert.match(await page.locator("#legend").textContent(), /diverged at step \d+/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `no horizontal scrolling: ${width}px`);
  // Crisp: the canvas has twice as many pixels as CSS pixels.
  const ratio = await page.evaluate(() => document.getElementById("surface").width / document.getElementById("surface").clientWidth);
  assert.ok(Math.abs(ratio - 2) < 0.02, `canvas scale ${ratio}`);
  await page.screenshot({ path: join(artifacts, "mobile.png"), fullPage: true });
});
