// End-to-end tests of the Trunk-built page in headless Chromium.
//
//   cd e2e && npm test     (after `trunk build --release`; `make test` runs both)
//
// Screenshots go to artifacts/.

import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { serve, launch, open, track, opened, artifacts, cspViolations, countWorkerMessages, framesToFullDetail } from "./harness.mjs";

let server;
let browser;

before(async () => {
  await mkdir(artifacts, { recursive: true });
  server = await serve();
  browser = await launch();
});

// Every test: no page it opened threw an uncaught error (a test that expects
// one takes it out of its page's `errors` itself). Its pages are closed.
afterEach(async () => {
  const pages = opened.splice(0);
  await Promise.all(pages.map((p) => p.context.close()));
  assert.deepEqual(pages.flatMap((p) => p.errors.map((e) => `${p.url}: ${e}`)), [], "no uncaught error in the pages this test opened");
});

after(async () => {
  await browser?.close();
  await server?.close();
  // Whatever a test did, the page never broke its Content-Security-Policy.
  assert.deepEqual(cspViolations, []);
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

/** Counts pixels of a canvas within a small distance of the colour `hex` (#rrggbb). */
const pixelsOf = (page, id, hex) =>
  page.evaluate(
    ([id, hex]) => {
      const c = document.getElementById(id);
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 24) n++;
      return n;
    },
    [id, hex],
  );

/** The colour of each optimizer, as its card shows it. */
const colours = (page) => page.evaluate(() => [...document.querySelectorAll('input[type="color"]')].map((c) => c.value));

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
  assert.match(legend[0], /sgd lr=0\.001\s*step 500, loss/);
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
  assert.notDeepEqual(start, [-1.2, 1]);
  assert.ok(start[0] > 0.5 && start[1] > 1.5, `start moved to the clicked point: ${start}`);
  const runs = await page.evaluate(() => window.optiviz.getRuns().runs);
  assert.deepEqual(runs[0].points[0], start);
  assert.equal(await page.getByRole("spinbutton", { name: "Start x" }).inputValue(), String(start[0]));
  await page.waitForFunction((s) => new URL(location.href).searchParams.get("start") === s, `${start[0]},${start[1]}`);
});

test("a broken link names every bad key at once, keeps what was valid, and the address follows what is shown", async () => {
  const { page } = await open(browser, `${server.url}?fn=quadratic&fn.a=-1&start=3,2&steps=30&o1=sgd&o1.lr=abc&o2=adam&o2.lr=0.1`);
  const message = page.locator("#message");
  await assert.doesNotReject(message.waitFor({ state: "visible" }));
  const text = await message.textContent();
  assert.match(text, /fn\.a: must be in \(0, 1000\], got -1/);
  assert.match(text, /o1\.lr: /);
  assert.ok((await inkOf(page, "paths")) > 1000, "what was valid is drawn");
  const exp = await page.evaluate(() => window.optiviz.getExperiment());
  assert.equal(exp.function.name, "quadratic");
  assert.deepEqual(exp.start, [3, 2]);
  assert.equal(exp.steps, 30);
  assert.deepEqual(exp.optimizers.map((o) => o.name), ["adam"]);
  const url = query(page);
  assert.equal(url.get("fn.a"), null);
  assert.equal(url.get("o1"), "adam");
  // The engine reports each bad key as data, the page's own keys among them.
  const keys = await page.evaluate(() => {
    const blank = () => document.createElement("canvas");
    const own = new window.wasmBindings.App(blank(), blank(), blank(), blank());
    return own.openLink("?fn=quadratic&fn.a=-1&o1=sgd&o1.lr=abc&speed=fast&view3d=1").errors;
  });
  assert.deepEqual(keys.map((e) => e.key), ["fn.a", "o1.lr", "o1", "speed", "view3d"]);
  assert.equal(keys[2].message, "left out, for want of a valid lr");
  assert.ok(keys.every((e) => e.path === e.key && e.message.length > 0), JSON.stringify(keys));
  await page.screenshot({ path: join(artifacts, "broken-link.png") });
  // An unknown function and a bad value: both named; a link without a start gets the function's own.
  const both = await open(browser, `${server.url}?fn=nope&o1.lr=abc`);
  const said = await both.page.locator("#message").textContent();
  assert.match(said, /fn: unknown function "nope"/);
  assert.match(said, /o1\.lr: /);
  const plain = await open(browser, `${server.url}?fn=booth&steps=20&o1=sgd&o1.lr=0.01`);
  assert.equal(await plain.page.locator("#message").isVisible(), false);
  assert.deepEqual(await plain.page.evaluate(() => window.optiviz.getExperiment().start), [-6, 6]);
  // Mixed bad keys, the experiment's and the page's: every one named together.
  for (const [link, named] of [
    ["?fn=nosuchfn&o1=adam&o1.lr=0.05&play=7&speed=999&lock=zzz", ["fn", "play", "speed", "lock"]],
    ["?hide=foo&chart=zzz", ["hide", "chart"]],
    ["?predict=abc&fn=booth&fn=himmelblau&o1=sgd&o1.lr=0.1", ["predict", "fn"]],
  ]) {
    const mixed = await open(browser, `${server.url}${link}`);
    const text = await mixed.page.locator("#message").textContent();
    for (const key of named) assert.match(text, new RegExp(`(^|; |: )${key.replace(".", "\\.")}: `), `${link}: ${key} in ${text}`);
    await mixed.context.close();
  }
  const angle = await open(browser, `${server.url}?view3d=999,999,999`);
  assert.match(await angle.page.locator("#message").textContent(), /view3d: pitch .*view3d: zoom /);
  // A bad view with no start: the view named, the rest of the link kept.
  const view = await open(browser, `${server.url}?fn=quadratic&view=0,0,0,0&o1=sgd&o1.lr=0.1&steps=20`);
  assert.match(await view.page.locator("#message").textContent(), /view: must be/);
  const kept = await view.page.evaluate(() => window.optiviz.getExperiment());
  assert.deepEqual([kept.function.name, kept.steps, kept.optimizers[0].name, kept.optimizers[0].lr], ["quadratic", 20, "sgd", 0.1]);
  assert.deepEqual(kept.start, [-2.4, 1.8], "the default start, without binary noise");
  for (const c of [angle, view, plain, both]) await c.context.close();
});

test("numbers nobody typed are written short: every function's start from the menu, a zoomed view; extreme rates keep the page's width", async () => {
  const { page, errors, context } = await open(browser, server.url);
  const fns = await page.locator("#function option").evaluateAll((os) => os.map((o) => /** @type {HTMLOptionElement} */ (o).value));
  const noisy = (s) => /\d\.?\d{9,}/.test(s);
  for (const fn of fns.filter((f) => f !== "custom" && f !== "mlp")) {
    await page.locator("#function").selectOption(fn);
    const start = [await page.locator("#start-x").inputValue(), await page.locator("#start-y").inputValue()];
    assert.ok(!start.some(noisy), `${fn}: start ${start}`);
    await page.waitForFunction(() => new URL(location.href).searchParams.has("start"));
    const linked = await page.evaluate(() => new URL(location.href).searchParams.get("start"));
    assert.ok(!noisy(linked), `${fn}: link start ${linked}`);
  }
  // A zoom writes the view as the plot tells it apart.
  const box = await page.locator("#paths").boundingBox();
  await page.mouse.move(box.x + box.width * 0.37, box.y + box.height * 0.41);
  await page.mouse.wheel(0, -230);
  await page.waitForFunction(() => new URL(location.href).searchParams.has("view"));
  const view = await page.evaluate(() => new URL(location.href).searchParams.get("view"));
  assert.ok(!noisy(view), `view=${view}`);
  assert.deepEqual(errors, []);
  await context.close();
  for (const width of [1280, 375]) {
    const wide = await open(browser, `${server.url}?fn=quadratic&steps=10&o1=sgd&o1.lr=1e-300&o2=adam&o2.lr=1e308`, { viewport: { width, height: 800 } });
    assert.equal(await wide.page.evaluate(() => document.documentElement.scrollWidth), width);
    assert.match(await wide.page.locator("#legend").textContent(), /lr=1e-300.*lr=1e308/s);
    assert.match(await wide.page.evaluate(() => location.search), /o1\.lr=1e-300&.*o2\.lr=1e308/);
    await wide.context.close();
  }
});

test("a box holding no number, or a number out of range, is refused with a message and the last valid state is kept", async () => {
  const { page } = await open(browser, server.url);
  const group = page.getByRole("group", { name: "Adam" });
  const box = group.getByRole("spinbutton", { name: "Learning rate (exact)" });
  // Text that is no number (the browser lets "1e-" be typed, and reads it as none).
  await box.fill("");
  await box.pressSequentially("1e-");
  assert.equal(await box.evaluate((b) => /** @type {HTMLInputElement} */ (b).validity.badInput), true);
  await box.press("Enter");
  assert.equal(await page.getByRole("alert").textContent(), "Adam › lr: that is not a number; type a number such as 1.5");
  assert.equal(await box.getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().optimizers[2].lr), 0.2);
  // A number out of range.
  await box.fill("-2");
  await box.press("Enter");
  await box.blur();
  const text = await page.getByRole("alert").textContent();
  assert.match(text, /Adam › lr: must be a finite number >= 0, got -2/);
  assert.equal(await box.getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().optimizers[2].lr), 0.2);
  // The next accepted edit clears the message and puts the engine's value back in the box.
  await page.getByRole("group", { name: "SGD", exact: true }).getByRole("slider", { name: "Learning rate" }).fill("-3");
  assert.equal(await page.getByRole("alert").isVisible(), false);
  const again = page.getByRole("group", { name: "Adam" }).getByRole("spinbutton", { name: "Learning rate (exact)" });
  assert.equal(await again.inputValue(), "0.2");
  assert.equal(await again.getAttribute("aria-invalid"), null);
  const result = await page.evaluate(() => window.optiviz.setExperiment({ function: { name: "booth" }, start: [0, 0], steps: 5, optimizers: [{ name: "adam", lr: 0.1, betas: [0.9, 2] }] }));
  assert.deepEqual(result, { ok: false, error: "optimizers[0].betas[1]: must be in [0, 1), got 2", errors: [{ path: "optimizers[0].betas[1]", message: "must be in [0, 1), got 2" }] });
  // Every problem of an experiment at once, each at its path, and the page unchanged.
  const before = await page.evaluate(() => JSON.stringify(window.optiviz.getExperiment()));
  const many = await page.evaluate(() => window.optiviz.setExperiment({ function: { name: "booth" }, start: [0, "x"], steps: -5, optimizers: [{ name: "adam", lr: -1, betas: [0.9, 2] }, { name: "nope" }] }));
  assert.equal(many.ok, false);
  assert.deepEqual(many.errors.map((e) => e.path), ["start[1]", "steps", "optimizers[0].lr", "optimizers[0].betas[1]", "optimizers[1].name"]);
  assert.match(many.errors[4].message, /^unknown optimizer "nope"; choose one of sgd, /);
  assert.equal(many.error, many.errors.map((e) => `${e.path}: ${e.message}`).join("; "));
  assert.equal(await page.evaluate(() => JSON.stringify(window.optiviz.getExperiment())), before);
});

test("the Embed snippet fits a 640 x 480 host: the plot, Reset view and Play in the frame, light in a dark system unless theme= says", async () => {
  const { page, context } = await open(browser, `${server.url}?fn=quadratic&start=3,2&steps=60&o1=sgd&o1.lr=0.1&o2=sgd&o2.lr=0.19&o3=sgd&o3.lr=0.21`);
  await page.evaluate(() => { Object.defineProperty(navigator, "clipboard", { value: { writeText: (t) => { window.copied = t; return Promise.resolve(); } } }); });
  await page.locator("#embed-button").evaluate((b) => /** @type {HTMLElement} */ (b).click());
  const snippet = await page.waitForFunction(() => window.copied).then((h) => h.jsonValue());
  assert.match(snippet, /^<iframe src="[^"]+&amp;embed=1&amp;lesson=1" style="[^"]*width:100%[^"]*aspect-ratio:4\/3/);
  await context.close();
  for (const [theme, dark] of [["", false], ["&amp;theme=dark", true], ["&amp;theme=auto", true]]) {
    const host = await browser.newContext({ viewport: { width: 900, height: 800 }, colorScheme: "dark" });
    const hp = await host.newPage();
    track(hp, host, `a host of the embed${theme}`);
    await hp.setContent(`<body style="margin:0;background:#fff"><div style="width:640px">${snippet.replace('&amp;lesson=1"', `&amp;lesson=1${theme}"`)}</div></body>`);
    const frame = await (await hp.waitForSelector("iframe")).contentFrame();
    await frame.waitForFunction(() => document.body.classList.contains("ready"));
    const frameBox = await (await hp.$("iframe")).boundingBox();
    assert.equal(Math.round(frameBox.width), 640);
    for (const sel of ["#paths", "#reset-view", "#play"]) {
      const b = await frame.locator(sel).boundingBox();
      assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= frameBox.width + 0.5 && b.y + b.height <= frameBox.height + 0.5, `${theme} ${sel} inside the frame: ${JSON.stringify(b)} in ${JSON.stringify(frameBox)}`);
    }
    const bg = await frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg === "rgb(22, 22, 26)", dark, `${theme || "no theme"}: ${bg}`);
    await host.close();
  }
});

test("every optimizer at its longest settings: past the limits refused with the setting to lower, at the limits run to the end", async () => {
  const { page, errors, context } = await open(browser, server.url);
  const result = await page.evaluate(() => {
    const { App, catalogue } = window.wasmBindings;
    const mk = () => document.createElement("canvas");
    const app = new App(mk(), mk(), mk(), mk());
    const refused = (exp) => { try { app.setExperiment(exp); return null; } catch (e) { return e.errors ?? [{ path: "", message: String(e.message ?? e) }]; } };
    // L-BFGS at the settings the issue named: Rastrigin for 24 000 steps and
    // a 64-64-64 network on 3 rows for 30 (25 s and 59 s of CPU before).
    const lbfgs = { name: "lbfgs", lr: 1, max_iter: 100, max_eval: 1000, history_size: 1000, tolerance_grad: 0, tolerance_change: 0 };
    const named = [
      refused({ function: { name: "rastrigin" }, start: [-3, 3], steps: 24000, optimizers: [lbfgs] }),
      refused({ function: { name: "mlp", hidden: [64, 64, 64], dataset: { name: "xor", n: 3 } }, steps: 30, optimizers: [lbfgs] }),
    ].map((e) => e && e.map((x) => x.path));
    // Each optimizer with every count at its most (L-BFGS's iterations,
    // evaluations and history), the line search on, no early stop and a rate
    // small enough to keep moving: the most steps the limits accept (probes
    // stopped after one step by stop.max_steps, which they do not count),
    // then run in full.
    const ends = [];
    for (const def of catalogue().optimizers) {
      const o = { name: def.name, lr: 1e-3 };
      // SAM and Lookahead around SGD; Muon's others at their default; a
      // typed rule as the Adam template, five lines and four state variables.
      if (def.wraps && !def.wraps.default) o[def.wraps.key] = { name: "sgd" };
      if (def.name === "rule") {
        const adam = catalogue().rule.templates.find((t) => t.id === "adam");
        Object.assign(o, { update: adam.update, hyper: Object.fromEntries(adam.hyper), state: Object.fromEntries(adam.state.map((s) => [s, 0])) });
      }
      for (const h of def.hyper) {
        if (h.kind === "count") o[h.name] = h.max;
        if (h.kind === "choice") o[h.name] = h.choices[h.choices.length - 1];
        if (h.name.startsWith("tolerance")) o[h.name] = 0;
      }
      const make = (steps) => ({ function: { name: "rastrigin" }, start: [-3, 3], steps, optimizers: [o] });
      let [lo, hi] = [0, 100000];
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (refused({ ...make(mid), stop: { max_steps: 1 } })) hi = mid - 1; else lo = mid;
      }
      if (lo === 0) { ends.push([def.name, 0, 0, "refused"]); continue; }
      app.setExperiment(make(lo));
      const run = app.runs().runs[0];
      ends.push([def.name, lo, run.points.length - 1, run.status.state]);
    }
    app.free();
    return { named, ends };
  });
  assert.deepEqual(result.named, [["optimizers[0].history_size"], ["optimizers[0].history_size"]]);
  assert.ok(result.ends.length >= 13, JSON.stringify(result.ends));
  for (const [name, accepted, ran, state] of result.ends) {
    assert.ok(accepted >= 1, `${name}: some length is accepted`);
    assert.ok(ran === accepted || state !== "moving", `${name}: ${ran} of ${accepted} steps (${state})`);
  }
  // L-BFGS at its longest is held to far fewer steps than the others.
  const lbfgsSteps = result.ends.find(([n]) => n === "lbfgs")[1];
  assert.ok(lbfgsSteps < 24000, `L-BFGS accepted ${lbfgsSteps} steps`);
  assert.deepEqual(errors, []);
  await context.close();
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

test("dragging the start handle, zooming and panning, and resetting the view", async () => {
  const { page } = await open(browser, server.url);
  const box = await page.locator("#paths").boundingBox();
  assert.deepEqual(await page.evaluate(() => window.optiviz.getExperiment().start), [-1.2, 1]);
  // The plotting rectangle has margins of 52 px (left), 10 (top), 78 (right,
  // with the colour scale) and 34 (bottom); Rosenbrock's view is x in [-2, 2],
  // y in [-1, 3].
  const spot = [52 + ((-1.2 + 2) / 4) * (box.width - 130), box.height - 34 - ((1 + 1) / 4) * (box.height - 44)];
  await page.mouse.move(box.x + spot[0], box.y + spot[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + spot[0] + 60, box.y + spot[1] + 40, { steps: 5 });
  await page.mouse.up();
  const moved = await page.evaluate(() => window.optiviz.getExperiment().start);
  assert.ok(moved[0] > -1.2 && moved[1] < 1, `the handle was dragged right and down: ${moved}`);
  // Scroll to zoom in: the view shrinks and goes into the URL.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction(() => window.optiviz.getExperiment().view !== undefined);
  const view = await page.evaluate(() => window.optiviz.getExperiment().view);
  assert.ok(view.x[1] - view.x[0] < 4, `zoomed in: ${JSON.stringify(view)}`);
  await page.waitForFunction(() => new URL(location.href).searchParams.has("view"));
  // Drag on empty plot to pan.
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.8);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.8, { steps: 5 });
  await page.mouse.up();
  const panned = await page.evaluate(() => window.optiviz.getExperiment().view);
  assert.ok(panned.x[0] > view.x[0], `panned right: ${JSON.stringify(panned)}`);
  await page.getByRole("button", { name: "Reset view" }).click();
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().view), undefined);
});

test("panning and zooming end with the full-detail surface, at device pixel ratios 1 and 2", async () => {
  for (const dpr of [1, 2]) {
    const { page, context } = await open(browser, `${server.url}?fn=himmelblau`, { viewport: { width: 1100, height: 800 }, deviceScaleFactor: dpr });
    await page.waitForFunction(() => performance.getEntriesByName("optiviz-refined").length > 0);
    assert.equal(await framesToFullDetail(page, 0), 0, `DPR ${dpr}: the full detail once loaded`);
    const box = await page.locator("#paths").boundingBox();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.7);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 8 });
    await page.mouse.up();
    // A frame takes the full detail when it fits (a cheap surface on a
    // plain screen); otherwise a preview stands in until the input rests.
    // (How many frames it takes: make bench-page's "full detail" rows.)
    assert.notEqual(await framesToFullDetail(page, 600), null, `DPR ${dpr}: the full detail after the pan`);
    await page.mouse.wheel(0, -300);
    assert.notEqual(await framesToFullDetail(page, 600), null, `DPR ${dpr}: the full detail after the zoom`);
    await context.close();
  }
});

test("the trajectories download as CSV and JSON", async () => {
  const { page } = await open(browser, server.url);
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "CSV" }).click()]);
  assert.equal(csv.suggestedFilename(), "optiviz.csv");
  const text = await (await import("node:fs/promises")).readFile(await csv.path(), "utf8");
  assert.equal(text.split("\n")[0], "run,name,step,x,y,loss,grad_norm,lr,epoch,status");
  assert.equal(text.trim().split("\n").length, 1 + 3 * 501);
  const [json] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "JSON" }).click()]);
  const runs = JSON.parse(await (await import("node:fs/promises")).readFile(await json.path(), "utf8"));
  assert.deepEqual(runs, await page.evaluate(() => window.optiviz.getRuns()));
});

test("the plot downloads as an SVG figure of the current step, with a path per shown optimizer, and as a PNG twice its size, from the figures' module the page fetches only then", async () => {
  const from = server.served.length;
  const { page, errors } = await open(browser, `${server.url}?fn=himmelblau&start=-0.5,-4.2&steps=80&o1=sgd&o1.lr=0.01&o2=adam&o2.lr=0.15&o3=rmsprop&o3.lr=0.02`);
  const figures = () => server.served.slice(from).filter((p) => p.includes("optiviz-figures")).map((p) => p.replace(/^.*[/\\]/, "")).sort();
  // The page loads without the figures' module.
  assert.deepEqual(figures(), []);
  // Hide the third optimizer and step back to step 30.
  await page.getByRole("group", { name: "RMSprop" }).getByRole("checkbox", { name: "Show" }).uncheck();
  await page.getByRole("button", { name: "Reset", exact: true }).click();
  for (let i = 0; i < 30; i++) await page.getByRole("button", { name: "Step", exact: true }).click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "SVG" }).click()]);
  assert.equal(download.suggestedFilename(), "optiviz.svg");
  const svg = await (await import("node:fs/promises")).readFile(await download.path(), "utf8");
  const box = await page.locator("#plot").boundingBox();
  assert.match(svg, new RegExp(`^<svg [^>]*width="${Math.floor(box.width)}" height="${Math.floor(box.height)}"`));
  const colours = await page.evaluate(() => window.optiviz.getExperiment().optimizers.map((_, i) => document.querySelectorAll('input[type="color"]')[i].value));
  const strokes = [...svg.matchAll(/<polyline [^>]*stroke="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
  assert.equal(strokes.filter((c) => c === colours[0]).length, 1, "one path for SGD");
  assert.equal(strokes.filter((c) => c === colours[1]).length, 1, "one path for Adam");
  assert.equal(strokes.filter((c) => c === colours[2]).length, 0, "no path for the hidden RMSprop");
  // Drawn up to the page's step: SGD's line (at most 31 points: steps under
  // half a pixel are left out) ends in its current-point ring; the legend
  // says which step that is.
  const sgd = svg.match(new RegExp(`<polyline points="([^"]*)"[^>]*stroke="${colours[0]}"`))[1].trim().split(" ");
  assert.ok(sgd.length > 5 && sgd.length <= 31, `${sgd.length} points`);
  const ring = svg.match(new RegExp(`<circle cx="([^"]*)" cy="([^"]*)" r="[^"]*" fill="none" stroke="${colours[0]}"`));
  assert.equal(sgd.at(-1), `${ring[1]},${ring[2]}`);
  assert.match(svg, />step 30, loss /);
  // Its glue and its WebAssembly, fetched by the figures' worker.
  assert.deepEqual(figures(), ["optiviz-figures.js", "optiviz-figures_bg.wasm"]);
  const [pngFile] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "PNG" }).click()]);
  assert.equal(pngFile.suggestedFilename(), "optiviz.png");
  const png = await (await import("node:fs/promises")).readFile(await pngFile.path());
  assert.equal(png.toString("latin1", 1, 4), "PNG");
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [2 * Math.floor(box.width), 2 * Math.floor(box.height)]);
  assert.deepEqual(errors, []);
});

test("opening every update rule keeps the cards and the page their width, on a desktop and a phone", async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 800 }]) {
    const { page, context } = await open(browser, server.url, { viewport });
    const widths = () => page.evaluate(() => [document.documentElement.scrollWidth, ...[...document.querySelectorAll(".card.optimizer")].map((c) => Math.round(c.getBoundingClientRect().width))]);
    const before = await widths();
    for (const summary of await page.getByText("Update rule").all()) await summary.click();
    assert.equal(await page.locator(".rule[open]").count(), 3);
    assert.deepEqual(await widths(), before, `${viewport.width} px: page and card widths`);
    assert.equal(before[0], viewport.width, "no horizontal scroll bar");
    // Each line of each rule is seen whole: none needs a sideways scroll.
    await page.waitForFunction(() => [...document.querySelectorAll(".rule[open] li")].every((li) => li.scrollWidth <= li.clientWidth + 1));

    await context.close();
  }
});

test("on a phone the plot's buttons never cover the start handle, wherever a scenario or lesson puts it", async () => {
  for (const link of ["?fn=quadratic&start=3,2&steps=60&o1=sgd&o1.lr=0.1&o2=sgd&o2.lr=0.19&o3=sgd&o3.lr=0.21", "?lesson=how-optimizers-move&part=1", "?lesson=how-optimizers-move&part=2", "?fn=quadratic&start=-3.5,2.6&steps=20&o1=sgd&o1.lr=0.1"]) {
    const { page, context } = await open(browser, `${server.url}${link}`, { viewport: { width: 375, height: 800 } });
    // The handle is the one white mark of the paths' layer (no path is white).
    const [hx, hy, tools] = await page.evaluate(() => {
      const c = /** @type {HTMLCanvasElement} */ (document.getElementById("paths"));
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let sx = 0, sy = 0, n = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] === 255 && d[i + 1] === 255 && d[i + 2] === 255 && d[i + 3] === 255) {
          sx += (i / 4) % c.width; sy += Math.floor(i / 4 / c.width); n++;
        }
      }
      const k = c.clientWidth / c.width;
      const p = c.getBoundingClientRect();
      const t = document.getElementById("plot-tools").getBoundingClientRect();
      return [sx / n * k, sy / n * k, [t.left - p.left, t.top - p.top, t.right - p.left, t.bottom - p.top]];
    });
    assert.ok(Number.isFinite(hx), `${link}: the handle is drawn`);
    const [l, t, r, b] = tools;
    assert.ok(hx < l - 8 || hx > r + 8 || hy < t - 8 || hy > b + 8, `${link}: handle at (${hx.toFixed(0)}, ${hy.toFixed(0)}), buttons over ${tools.map(Math.round)}`);
    await context.close();
  }
});

test("a clicked or dragged start is rounded to what a pixel tells apart", async () => {
  const { page } = await open(browser, server.url);
  const box = await page.locator("#paths").boundingBox();
  for (const [fx, fy] of [[0.31, 0.27], [0.52, 0.61], [0.77, 0.43]]) {
    await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
    const start = await page.evaluate(() => window.optiviz.getExperiment().start);
    // About 700 px over a view 4 wide: a pixel is 0.006, so three decimals.
    for (const v of start) assert.match(String(v), /^-?\d+(\.\d{1,3})?$/, `start ${start}`);
    assert.equal(await page.getByRole("spinbutton", { name: "Start x" }).inputValue(), String(start[0]));
  }
  // The handle, where the last click put it, dragged to a point no click gave.
  const [hx, hy] = [box.x + box.width * 0.77, box.y + box.height * 0.43];
  const clicked = await page.evaluate(() => window.optiviz.getExperiment().start);
  await page.mouse.move(hx, hy);
  await page.mouse.down();
  await page.mouse.move(hx - 53.3, hy + 37.7, { steps: 6 });
  await page.mouse.up();
  const dragged = await page.evaluate(() => window.optiviz.getExperiment().start);
  assert.ok(dragged[0] < clicked[0] && dragged[1] < clicked[1], `dragged left and down: ${clicked} to ${dragged}`);
  for (const v of dragged) assert.match(String(v), /^-?\d+(\.\d{1,3})?$/, `start ${dragged}`);
  assert.equal(await page.getByRole("spinbutton", { name: "Start y" }).inputValue(), String(dragged[1]));
  await page.waitForFunction((s) => new URL(location.href).searchParams.get("start") === s, dragged.join(","));
});

test("messages take one fixed place: they move nothing, and a new one replaces the old", async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 800 }]) {
    const { page, context } = await open(browser, server.url, { viewport });
    const plotTop = () => page.locator("#plot").evaluate((e) => e.getBoundingClientRect().top + scrollY);
    const top = await plotTop();
    const file = (name, text) => ({ name, mimeType: "application/json", buffer: Buffer.from(text) });
    await page.locator("#open-file").setInputFiles(file("broken.json", "{"));
    await page.getByRole("alert").waitFor();
    assert.equal(await plotTop(), top, `${viewport.width} px: an error does not push the plot`);
    const good = await page.evaluate(() => JSON.stringify(window.optiviz.getExperiment()));
    await page.locator("#open-file").setInputFiles(file("good.json", good));
    await page.locator("#notice").filter({ hasText: "Opened good.json" }).waitFor();
    assert.equal(await page.getByRole("alert").isVisible(), false, "the notice replaced the error");
    assert.equal(await plotTop(), top, `${viewport.width} px: a notice does not push the plot`);
    await page.locator("#open-file").setInputFiles(file("broken.json", "{"));
    await page.getByRole("alert").waitFor();
    assert.equal(await page.locator("#notice").isVisible(), false, "the error replaced the notice");
    await page.getByRole("button", { name: "Dismiss the message" }).click();
    assert.equal(await page.getByRole("alert").isVisible(), false, "dismissed");
    await context.close();
  }
});

test("a diverged run does not flatten the loss chart: the healthy curve keeps its height", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=quadratic&start=3,2&steps=100&o1=sgd&o1.lr=0.25&o1.color=%23ff0000&o2=adam&o2.lr=0.1&o2.color=%2300ff00`);
  assert.equal(await page.evaluate(() => window.optiviz.getRuns().runs[0].status.state), "diverged");
  // The rows of the chart where Adam's green is drawn, as a share of its height.
  const spread = await page.evaluate(() => {
    const c = document.getElementById("chart");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let top = Infinity;
    let bottom = -Infinity;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const i = (y * c.width + x) * 4;
        if (d[i + 1] > 200 && d[i] < 80 && d[i + 2] < 80) {
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    }
    return (bottom - top) / c.height;
  });
  assert.ok(spread > 0.5, `Adam's curve spans ${(spread * 100).toFixed(0)} % of the chart's height`);
  assert.deepEqual(errors, []);
});

test("zooming, panning, colours and hiding a path keep the lesson; a real change says so and offers the way back", async () => {
  const { page, errors } = await open(browser, server.url);
  const picker = page.getByRole("combobox", { name: "Scenario" });
  const scenario = await picker.inputValue();
  const lesson = await page.locator("#lesson").textContent();
  assert.notEqual(scenario, "");
  assert.ok(lesson.length > 20);
  const box = await page.locator("#paths").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -300);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 20, { steps: 4 });
  await page.mouse.up();
  const sgd = page.getByRole("group", { name: "SGD", exact: true });
  await sgd.getByRole("checkbox", { name: "Show" }).uncheck();
  await sgd.locator('input[type="color"]').fill("#123456");
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().optimizers[0].color), "#123456");
  await page.waitForFunction(() => new URL(location.href).searchParams.has("view") && new URL(location.href).searchParams.get("o1.color") === "#123456");
  assert.equal(await picker.inputValue(), scenario, "still the scenario after zoom, pan, a colour and hiding a path");
  assert.equal(await page.locator("#lesson").textContent(), lesson);
  // A change to what is computed: the note under the plot says so, the
  // lesson stays where it was (faint), the plot does not move, and the way
  // back restores it.
  // (Where the plot is on screen, the page scrolled to the slider first.)
  const plotTop = () => page.evaluate(() => document.getElementById("paths").getBoundingClientRect().top);
  await sgd.getByRole("slider", { name: "Learning rate" }).scrollIntoViewIfNeeded();
  const before = await plotTop();
  await sgd.getByRole("slider", { name: "Learning rate" }).fill("-3.5");
  // (The picker and the lesson follow once the URL is written, as a slider rests.)
  await page.waitForFunction(() => document.getElementById("scenario").value === "");
  assert.match(await page.locator("#lesson").textContent(), /^You changed “.+”, so its lesson may no longer hold\. Back to “.+” /);
  assert.equal(await page.locator("#lesson .stale").textContent(), lesson);
  assert.equal(await plotTop(), before, "the plot stays put on the first edit");
  // Another function: the lesson follows it (its description), still in place.
  await page.getByRole("combobox", { name: "Function", exact: true }).selectOption("himmelblau");
  await page.waitForFunction(() => /may no longer hold\. Back to “.+” Himmelblau/.test(document.getElementById("lesson").textContent));
  assert.equal(await plotTop(), before, "the plot stays put on a change of function");
  await page.getByRole("button", { name: /^Back to “/ }).click();
  await page.waitForFunction((s) => document.getElementById("scenario").value === s, scenario);
  assert.equal(await page.locator("#lesson").textContent(), lesson);
  // "Custom experiment" leaves the scenario and its lesson.
  await page.getByRole("group", { name: "SGD", exact: true }).getByRole("slider", { name: "Learning rate" }).fill("-3.5");
  await page.waitForFunction(() => document.getElementById("scenario").value === "");
  await picker.selectOption("");
  assert.equal(await page.locator("#lesson").textContent(), "");
  assert.deepEqual(errors, []);
});

test("a link shows its scenario's lesson from the first frame, and a custom experiment's link keeps no empty room for one, on a phone too", async () => {
  // What the first frame shows: the lesson, its height and where the plot is.
  const atFirstFrame = () => {
    const mark = performance.mark.bind(performance);
    performance.mark = (name, ...rest) => {
      if (name === "optiviz-drawn") {
        const lesson = document.getElementById("lesson");
        window.firstFrame = { lesson: lesson.textContent, height: lesson.offsetHeight, top: document.getElementById("surface").getBoundingClientRect().top };
      }
      return mark(name, ...rest);
    };
  };
  const now = (page) =>
    page.evaluate(() => {
      const lesson = document.getElementById("lesson");
      return { lesson: lesson.textContent, height: lesson.offsetHeight, top: document.getElementById("surface").getBoundingClientRect().top };
    });
  const { page: picker } = await open(browser, server.url);
  await picker.getByRole("combobox", { name: "Scenario" }).selectOption("too-large");
  await picker.waitForFunction(() => new URL(location.href).searchParams.get("fn") === "quadratic");
  const scenarioLink = picker.url();
  const lesson = await picker.locator("#lesson").textContent();
  assert.ok(lesson.length > 20);
  await picker.getByRole("group", { name: "SGD", exact: true }).first().getByRole("slider", { name: "Learning rate" }).fill("-1.5");
  await picker.waitForFunction((before) => location.href !== before, scenarioLink);
  const customLink = picker.url();
  for (const width of [1280, 375]) {
    const { page, errors } = await open(browser, scenarioLink, { viewport: { width, height: 800 } }, atFirstFrame);
    const first = await page.evaluate(() => window.firstFrame);
    assert.equal(first.lesson, lesson, `the scenario's lesson at the first frame, ${width} px`);
    assert.deepEqual(await now(page), first, `nothing moved after the first frame, ${width} px`);
    const custom = await open(browser, customLink, { viewport: { width, height: 800 } }, atFirstFrame);
    const bare = await custom.page.evaluate(() => window.firstFrame);
    assert.equal(bare.lesson, "");
    assert.equal(bare.height, 0, `no empty room for a lesson, ${width} px`);
    assert.deepEqual(await now(custom.page), bare, `nothing moved after the first frame, ${width} px`);
    assert.ok(bare.top < first.top, `the plot sits higher without a lesson, ${width} px: ${bare.top} against ${first.top}`);
    if (width === 375) await custom.page.screenshot({ path: join(artifacts, "custom-link-phone.png") });
    assert.deepEqual([...errors, ...custom.errors], []);
  }
});

test("a refused value's message stands beside its field, named as the panel names it, and the card says it is not applied", async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 800 }]) {
    const { page, context, errors } = await open(browser, server.url, { viewport });
    const card = page.getByRole("group", { name: "SGD 2" });
    const lr = card.getByRole("spinbutton", { name: "Learning rate (exact)" });
    await lr.fill("-0.5");
    await lr.press("Enter");
    const alert = card.getByRole("alert");
    assert.equal(await alert.textContent(), "SGD 2 › lr: must be a finite number >= 0, got -0.5");
    const [field, message] = [await lr.boundingBox(), await alert.boundingBox()];
    assert.ok(message.y - (field.y + field.height) < 60, `${viewport.width} px: the message is right under the field`);
    assert.equal(await lr.getAttribute("aria-describedby"), await alert.getAttribute("id"));
    assert.match(await card.evaluate((c) => c.className), /not-applied/);
    assert.equal(await page.locator("#message").isHidden(), true, "no banner for a field's error");
    // Start x, as the panel names it: an empty box (the browser empties one whose
    // text is no number), and a value out of range.
    const startX = page.getByRole("spinbutton", { name: "Start x" });
    await startX.fill("");
    await startX.press("Enter");
    assert.match(await page.locator(".field-error").filter({ hasText: /^Start x/ }).textContent(), /^Start x: that is not a number; type a number such as 1\.5$/);
    await startX.fill("1e9");
    await startX.press("Enter");
    assert.equal(await page.locator(".field-error").filter({ hasText: /^Start x/ }).textContent(), "Start x: must be in [-1000000, 1000000], got 1000000000");
    // The next accepted edit clears every message and the card's mark.
    await startX.fill("-1");
    await startX.press("Enter");
    await page.waitForFunction(() => document.querySelectorAll(".field-error").length === 0);
    assert.doesNotMatch(await card.evaluate((c) => c.className), /not-applied/);
    assert.equal(await page.getByRole("group", { name: "SGD 2" }).getByRole("spinbutton", { name: "Learning rate (exact)" }).inputValue(), "0.001");
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test("on a touch screen one finger scrolls the page over the plot, two pan and pinch-zoom, a tap moves the start", async () => {
  const { page, context, errors } = await open(browser, server.url, { viewport: { width: 375, height: 800 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  assert.match(await page.locator("#plot-hint").textContent(), /one finger.*two/);
  const cdp = await context.newCDPSession(page);
  const touch = (type, points) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  const box = await page.locator("#paths").boundingBox();
  const [cx, cy] = [box.x + box.width * 0.6, box.y + box.height * 0.6];
  const experiment = () => page.evaluate(() => window.optiviz.getExperiment());
  const before = await experiment();
  // One finger swiping up over the plot: the page scrolls, the view and the start stay.
  await page.evaluate(() => { window.scrolled = new Promise((done) => addEventListener("scrollend", () => done(scrollY), { once: true })); });
  await touch("touchStart", [[cx, cy]]);
  for (let k = 1; k <= 8; k++) await touch("touchMove", [[cx, cy - 20 * k]]);
  await touch("touchEnd", []);
  // Until the page's scroll (and any fling) has come to rest.
  const last = await page.evaluate(() => window.scrolled);
  assert.equal(await page.evaluate(() => scrollY), last);
  const after = await experiment();
  assert.ok(last > 50, `the page scrolled (${last} px)`);
  assert.equal(after.view, undefined, "one finger did not pan");
  assert.deepEqual(after.start, before.start);
  // Two fingers spreading apart: the plot zooms in about them.
  const top = (await page.locator("#paths").boundingBox()).y;
  const [px, py] = [box.x + box.width / 2, top + box.height / 2];
  await touch("touchStart", [[px - 30, py], [px + 30, py]]);
  for (let k = 1; k <= 6; k++) await touch("touchMove", [[px - 30 - 10 * k, py], [px + 30 + 10 * k, py]]);
  await touch("touchEnd", []);
  await page.waitForFunction(() => window.optiviz.getExperiment().view !== undefined);
  const view = (await experiment()).view;
  assert.ok(view.x[1] - view.x[0] < 4 * 0.5, `zoomed in: ${JSON.stringify(view)}`);
  // A tap moves the start.
  await touch("touchStart", [[px + 20, py + 20]]);
  await touch("touchEnd", []);
  await page.waitForFunction((s) => JSON.stringify(window.optiviz.getExperiment().start) !== s, JSON.stringify(before.start));
  assert.deepEqual(errors, []);
});

test("play=1 and speed=N are the page's own keys: playing at that speed from the start, kept in the address", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=quadratic&start=3,2&steps=400&o1=sgd&o1.lr=0.02&play=1&speed=80`);
  assert.equal(await page.getByRole("alert").isVisible(), false, "no error for the page's keys");
  assert.equal(await page.locator("#speed").inputValue(), "80");
  await page.waitForFunction(() => /^step ([1-9]\d*) of 400/.test(document.getElementById("step-out").textContent));
  assert.equal(await page.getByRole("button", { name: "Pause" }).count(), 1, "playing");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("o1.lr") === "0.02");
  const url = query(page);
  assert.equal(url.get("play"), "1");
  assert.equal(url.get("speed"), "80");
  const bad = await open(browser, `${server.url}?fn=quadratic&start=3,2&steps=40&o1=sgd&o1.lr=0.02&speed=9999`);
  assert.match(await bad.page.locator("#message").textContent(), /speed: must be a whole number of steps per second in \[1, 200\], got 9999/);
  assert.deepEqual(errors, []);
});

/** The length of optimizer i's path and how often its loss rose. */
const roughness = (page, i = 0) =>
  page.evaluate((i) => {
    const run = window.optiviz.getRuns().runs[i];
    let length = 0;
    let rises = 0;
    for (let k = 1; k < run.points.length; k++) {
      length += Math.hypot(run.points[k][0] - run.points[k - 1][0], run.points[k][1] - run.points[k - 1][1]);
      if (run.losses[k] > run.losses[k - 1] + 1e-9) rises++;
    }
    return { length, rises, epochs: run.epochs?.at(-1) };
  }, i);

test("moving the batch-size slider turns batch GD into a noisy mini-batch path", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=linear_regression&start=-0.5,1.5&steps=150&seed=1&o1=sgd&o1.lr=0.1`);
  assert.deepEqual(errors, []);
  // The data panel is shown for a model and has the points and a line on it.
  assert.equal(await page.locator("#data-figure").isVisible(), true);
  assert.match(await page.locator("#data-caption").textContent(), /100 points/);
  const full = await roughness(page);
  assert.equal(full.rises, 0, "batch GD's loss only falls here");
  assert.equal(full.epochs, 150);
  const pathsBefore = await page.locator("#paths").screenshot();
  const slider = page.getByRole("slider", { name: "Batch size" });
  assert.equal(await slider.getAttribute("aria-valuetext"), "full batch (100 rows): batch gradient descent");
  await slider.fill("4");
  assert.equal(await slider.getAttribute("aria-valuetext"), "4 rows: mini-batch gradient descent");
  const mini = await roughness(page);
  assert.ok(mini.rises > 10, `the mini-batch loss rises now and then: ${mini.rises}`);
  assert.ok(mini.length > 1.2 * full.length, `a longer, crooked road: ${mini.length} vs ${full.length}`);
  assert.equal(mini.epochs, 6);
  assert.match(await page.locator("#legend li").first().textContent(), /step 150 · epoch 6, loss/);
  await page.waitForFunction(() => new URL(location.href).searchParams.get("batch_size") === "4");
  assert.notDeepEqual(await page.locator("#paths").screenshot(), pathsBefore, "the drawn path changed");
  await page.screenshot({ path: join(artifacts, "minibatch.png"), fullPage: true });
  // A link reproduces the same noisy path bit for bit.
  const link = await page.evaluate(() => window.optiviz.getLink());
  const again = await open(browser, link);
  assert.deepEqual(
    await again.page.evaluate(() => window.optiviz.getRuns().runs[0].points),
    await page.evaluate(() => window.optiviz.getRuns().runs[0].points),
  );
});

test("pasted rows: a bad line is named and nothing is lost; good rows replace the data", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=linear_regression&start=0,0&steps=50&o1=sgd&o1.lr=0.1`);
  await page.getByRole("combobox", { name: "Rows" }).selectOption("data");
  const area = page.getByRole("textbox", { name: "x,y rows" });
  const generated = await area.inputValue();
  assert.equal(generated.trim().split("\n").length, 101, "the generated rows, editable, under a header");
  // Rounded to 6 digits, the 100 rows still fit in a link.
  await page.waitForFunction(() => (new URL(location.href).searchParams.get("data") ?? "").split(";").length === 100);
  await area.fill("x,y\n1,2\n2,4.1\nthree,6\n");
  await page.getByRole("button", { name: "Use these rows" }).click();
  // The message stands under the rows' box.
  assert.equal(await page.getByRole("alert").textContent(), "Rows, line 4: expected two finite numbers x,y, got \"three,6\"");
  assert.equal(await area.getAttribute("aria-invalid"), "true");
  assert.equal(await area.inputValue(), "x,y\n1,2\n2,4.1\nthree,6\n", "the typed text stays");
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().function.data.x.length), 100);
  await area.fill("x,y\n1,2\n2,4.1\n3,6\n");
  await page.getByRole("button", { name: "Use these rows" }).click();
  assert.equal(await page.locator("#message").isHidden(), true);
  assert.deepEqual(await page.evaluate(() => window.optiviz.getExperiment().function.data), { x: [1, 2, 3], y: [2, 4.1, 6] });
  await page.waitForFunction(() => new URL(location.href).searchParams.get("data") === "1,2;2,4.1;3,6");
  assert.match(await page.locator("#data-caption").textContent(), /^3 points/);
  // Rows too many for a link: the page says so, and Share does not copy a broken link.
  const rows = Array.from({ length: 400 }, (_, i) => `${(i * 0.0123).toFixed(4)},${(i * 0.031).toFixed(4)}`).join("\n");
  await area.fill(rows);
  await page.getByRole("button", { name: "Use these rows" }).click();
  assert.match(await page.locator("#surface-note").textContent(), /Not linkable: data: 400 rows are too many for a link/);
  assert.equal(await page.evaluate(() => window.optiviz.getLink()), null);
  assert.equal(new URL(page.url()).searchParams.get("data"), "1,2;2,4.1;3,6", "the address keeps its last linkable state");
  assert.deepEqual(errors, []);
});

test("the new scenarios load; formulas get a noise slider and no data panel", async () => {
  const { page, errors } = await open(browser, server.url);
  assert.equal(await page.locator("#data-figure").isHidden(), true);
  await page.getByRole("combobox", { name: "Scenario" }).selectOption("noise-escape");
  assert.match(await page.locator("#lesson").textContent(), /Noise in the gradient knocks the path off the ridge/);
  assert.equal(await page.getByRole("slider", { name: "Gradient noise σ" }).count(), 1);
  assert.equal(await page.locator("#data-figure").isHidden(), true);
  await page.getByRole("combobox", { name: "Scenario" }).selectOption("separable");
  assert.equal(await page.locator("#data-figure").isVisible(), true);
  assert.match(await page.locator("#surface-note").textContent(), /No minimum marked: the classes are separable/);
  await page.screenshot({ path: join(artifacts, "separable.png"), fullPage: true });
  // Noise on a model is refused with the key named, and the experiment kept.
  const result = await page.evaluate(() => window.optiviz.setExperiment({ ...window.optiviz.getExperiment(), grad_noise: 0.5 }));
  assert.equal(result.ok, false);
  assert.match(result.error, /^grad_noise: applies to formula functions/);
  assert.equal(await page.getByRole("combobox", { name: "Scenario" }).inputValue(), "separable");
  assert.deepEqual(errors, []);
});

test("an L2 term redraws the surface; Save and Open round-trip the experiment file", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=quadratic&start=3,2&steps=30&o1=sgd&o1.lr=0.05`);
  const before = await page.locator("#surface").screenshot();
  const l2 = page.getByRole("textbox", { name: "L2 λ" });
  await l2.fill("2");
  await l2.press("Enter");
  await page.waitForFunction(() => window.optiviz.getExperiment().l2 === 2);
  // The full-detail surface follows the quick one.
  assert.notEqual(await framesToFullDetail(page, 600), null);
  assert.notDeepEqual(await page.locator("#surface").screenshot(), before, "the surface shows the L2 term");
  assert.match(await page.locator("#surface-note").textContent(), /The L2 term moves the function's known minima/);
  // Save gives the experiment file, Open reads it back (and refuses a broken one).
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Save" }).click()]);
  const saved = JSON.parse(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString()));
  assert.equal(saved.l2, 2);
  assert.equal(saved.function.name, "quadratic");
  await page.locator("#open-file").setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from("{ nope") });
  // The file is read asynchronously: wait for the message before reading it.
  await page.waitForFunction(() => document.getElementById("message").textContent !== "");
  assert.match(await page.locator("#message").textContent(), /^broken\.json is not a JSON file/);
  await page.locator("#open-file").setInputFiles({ name: "exp.json", mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify({ ...saved, steps: 12, l2: 0.5 })) });
  await page.waitForFunction(() => window.optiviz.getExperiment().steps === 12);
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().l2), 0.5);
  assert.equal(await page.locator("#message").isHidden(), true);
  assert.deepEqual(errors, []);
});

test("editing the generated data keeps the keyboard's place and fits the batch size to the new rows", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=linear_regression&start=0,0&steps=40&batch_size=80&o1=sgd&o1.lr=0.1`);
  const n = page.getByRole("spinbutton", { name: "points n" });
  await n.fill("50");
  await n.press("Tab");
  await page.waitForFunction(() => window.optiviz.getExperiment().function.generate.n === 50);
  // Tab went on to the next field, "true w" (its "?" button first).
  assert.match(await page.evaluate(() => document.activeElement.closest(".field")?.textContent.trim()), /^true w/);
  // A batch of 80 no longer fits 50 rows: it became the full batch, not an error.
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().batch_size), undefined);
  assert.equal(await page.locator("#message").isHidden(), true);
  assert.equal(await page.getByRole("slider", { name: "Batch size" }).getAttribute("aria-valuetext"), "full batch (50 rows): batch gradient descent");
  assert.deepEqual(errors, []);
});

// The polish a learner needs (issue 9): the plot's key, colours, the chart's
// theme, explanations, folds, focus, the phone's menu, the embed's lesson.

/** The colour of a canvas's pixel at CSS (x, y), as [r, g, b]. */
const pixelOf = (page, id, x, y) =>
  page.evaluate(([id, x, y]) => {
    const c = document.getElementById(id);
    const s = c.width / c.clientWidth;
    return [...c.getContext("2d").getImageData(Math.round(x * s), Math.round(y * s), 1, 1).data.slice(0, 3)];
  }, [id, x, y]);

test("the plot has a key; no optimizer is white and nine have nine colours; the chart follows the page's theme", async () => {
  const { page, errors } = await open(browser, server.url);
  const key = page.getByRole("list", { name: "What the plot shows" });
  assert.equal(await key.getByRole("listitem").count(), 5);
  assert.match(await key.textContent(), /start.*step.*now.*minimum.*dark is low/);
  // The extra marks are named only where a shown optimizer draws them.
  assert.equal(await page.locator("#key-second").isHidden(), true);
  assert.equal(await page.locator("#key-ticks").isHidden(), true);
  assert.equal(await page.locator("#keys").isVisible(), true);
  const optimizers = Array.from({ length: 9 }, (_, i) => ({ name: "sgd", lr: 0.001 * (i + 1) }));
  await page.evaluate((optimizers) => window.optiviz.setExperiment({ function: { name: "booth" }, start: [0, 0], steps: 20, optimizers }), optimizers);
  const colours = await page.locator("#legend .swatch").evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  assert.equal(colours.length, 9);
  assert.equal(new Set(colours).size, 9, `nine colours: ${colours}`);
  assert.ok(!colours.some((c) => /255, 255, 255/.test(c)), `no white: ${colours}`);
  // The chart's background is the page's, in the light theme and the dark.
  assert.deepEqual(await pixelOf(page, "chart", 1, 1), [0xfb, 0xfb, 0xfd]);
  const dark = await open(browser, server.url, { colorScheme: "dark" });
  assert.deepEqual(await pixelOf(dark.page, "chart", 1, 1), [0x16, 0x16, 0x1a]);
  assert.deepEqual([...errors, ...dark.errors], []);
  await dark.context.close();
});

test("every hyperparameter is explained by keyboard, rare parts fold under More, and Remove leaves the focus on a neighbour", async () => {
  const { page, errors } = await open(browser, server.url);
  const sgd = page.getByRole("group", { name: "SGD", exact: true });
  // Beside the rate, the keys a lesson turns on (momentum); the rest of
  // torch's keys fold under "All of torch's keys", which says how many.
  const dampening = sgd.getByRole("spinbutton", { name: "dampening" });
  assert.equal(await sgd.getByRole("spinbutton", { name: "momentum" }).isVisible(), true);
  assert.equal(await dampening.isVisible(), false);
  await sgd.getByText(/^All of torch's keys \(\d+ more\)$/).click();
  assert.equal(await dampening.isVisible(), true);
  // Keyboard: the "?" beside dampening is reached by Tab, Enter opens its explanation.
  const help = sgd.getByRole("button", { name: "What is dampening?" });
  await dampening.focus();
  await page.keyboard.press("Shift+Tab");
  assert.equal(await help.evaluate((b) => b === document.activeElement), true);
  await page.keyboard.press("Enter");
  assert.equal(await help.getAttribute("aria-expanded"), "true");
  const doc = page.locator(`#${await help.getAttribute("aria-controls")}`);
  assert.match(await doc.textContent(), /dampening τ/);
  assert.equal(await doc.isVisible(), true);
  await page.keyboard.press("Enter");
  assert.equal(await doc.isVisible(), false);
  // The box itself carries the explanation for a screen reader.
  assert.match(await sgd.getByRole("spinbutton", { name: "dampening" }).getAttribute("aria-description"), /dampening τ/);
  // Clipping, schedule and own sampling are folded until opened.
  const clip = sgd.getByRole("combobox", { name: "Gradient clipping" });
  assert.equal(await clip.isVisible(), false);
  await sgd.getByText("More: clipping, schedule, own noise").click();
  assert.equal(await clip.isVisible(), true);
  await sgd.getByRole("combobox", { name: "Learning-rate schedule" }).selectOption("cosine");
  const tmax = sgd.getByRole("button", { name: "What is T_max?" });
  await tmax.click();
  assert.match(await page.locator(`#${await tmax.getAttribute("aria-controls")}`).textContent(), /eta_min/);
  // A card whose clipping is set opens with its More open.
  await page.locator("#scenario").selectOption("clipping");
  const open2 = await page.locator("#optimizers details.more").evaluateAll((ds) => ds.map((d) => d.open));
  assert.deepEqual(open2, [false, true, true]);
  // Remove: the focus goes to the card that took the removed one's place, or
  // the one before it when it was the last.
  const swatches = () => page.locator("#legend .swatch").evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  const before = await swatches();
  await page.getByRole("button", { name: "Remove SGD 2" }).click();
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "SGD 2");
  // The paths after the removed one keep their colours, and the removal is said.
  assert.deepEqual(await swatches(), [before[0], before[2]]);
  assert.equal(await page.locator("#notice").textContent(), "SGD 2 removed");
  await page.getByRole("button", { name: "Remove SGD 2" }).click();
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "SGD");
  assert.deepEqual(errors, []);
});

test("on a phone the plot and Play come first and the exports share one menu; a model's start is named w and b", async () => {
  const { page, errors, context } = await open(browser, server.url, { viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true });
  const png = page.getByRole("button", { name: "PNG" });
  assert.equal(await png.isVisible(), false);
  const play = await page.getByRole("button", { name: "Play" }).boundingBox();
  assert.ok(play.y + play.height < 800, `Play is on the first screen: ${play.y}`);
  const menu = page.getByRole("button", { name: "Share and export" });
  await menu.tap();
  assert.equal(await menu.getAttribute("aria-expanded"), "true");
  assert.equal(await png.isVisible(), true);
  await page.keyboard.press("Escape");
  assert.equal(await png.isVisible(), false);
  assert.equal(await menu.evaluate((b) => b === document.activeElement), true);
  // Scenario names fit their select.
  const cut = await page.locator("#scenario").evaluate((sel) => {
    const g = document.createElement("canvas").getContext("2d");
    g.font = getComputedStyle(sel).font;
    const room = sel.clientWidth - 32;
    return [...sel.options].filter((o) => g.measureText(o.text).width > room).map((o) => o.text);
  });
  assert.deepEqual(cut, []);
  // A tap on a "?" opens the explanation (eps under "All of torch's keys").
  const adam = page.getByRole("group", { name: "Adam" });
  const all = adam.getByText(/^All of torch's keys/);
  await all.scrollIntoViewIfNeeded();
  await all.tap();
  const help = adam.getByRole("button", { name: "What is eps?" });
  await help.scrollIntoViewIfNeeded();
  await help.tap();
  assert.equal(await help.getAttribute("aria-expanded"), "true");
  // A regression's start boxes are named after its axes, and so are their messages.
  await page.evaluate(() => window.optiviz.setExperiment({ function: { name: "linear_regression" }, start: [0, 0], steps: 10, optimizers: [{ name: "sgd", lr: 0.1 }] }));
  const w = page.getByRole("spinbutton", { name: "Start w" });
  assert.equal(await page.getByRole("spinbutton", { name: "Start b" }).count(), 1);
  await w.fill("1e9");
  await w.press("Enter");
  assert.match(await page.locator(".field-error").textContent(), /^Start w: must be in/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("lesson=1 keeps a scenario's lesson in the embed, and the PNG is the figure with its legend", async () => {
  const { page, errors } = await open(browser, server.url);
  await page.locator("#scenario").selectOption("saddle");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("steps") === "60");
  const query = new URL(page.url()).search;
  const lesson = await page.locator("#lesson").textContent();
  const withLesson = await open(browser, `${server.url}${query}&embed=1&lesson=1`, { viewport: { width: 760, height: 640 } });
  assert.equal(await withLesson.page.locator("#lesson").isVisible(), true);
  assert.equal(await withLesson.page.locator("#lesson").textContent(), lesson);
  const without = await open(browser, `${server.url}${query}&embed=1`, { viewport: { width: 760, height: 640 } });
  assert.equal(await without.page.locator("#lesson").isVisible(), false);
  const bad = await open(browser, `${server.url}${query}&embed=1&lesson=yes`, { viewport: { width: 760, height: 640 } });
  assert.match(await bad.page.locator("#message").textContent(), /lesson: must be 1 .*, 0, or a lesson's name \(how-optimizers-move, build-adam\); got yes\.$/);
  // The PNG: the SVG figure's picture at twice the plot's size.
  const [w, h] = await page.locator("#plot").evaluate((p) => [Math.floor(p.clientWidth), Math.floor(p.clientHeight)]);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "PNG" }).click()]);
  assert.equal(download.suggestedFilename(), "optiviz.png");
  const png = await (await import("node:fs/promises")).readFile(await download.path());
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [2 * w, 2 * h]);
  assert.deepEqual([...errors, ...withLesson.errors, ...without.errors, ...bad.errors], []);
  for (const o of [withLesson, without, bad]) await o.context.close();
});

test("the inspector shows the next step's rule with its numbers, follows Step, draws arrows, and the chart shows the state", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=rosenbrock&start=-1.2,1&steps=40&o1=adam&o1.lr=0.05&o2=lbfgs&o2.lr=0.5&o2.max_iter=4&o3=sgd&o3.lr=0.001&o3.clip.max_norm=1`);
  await page.click("#reset");
  await page.locator("#inspector summary").click();
  const block = (i) => page.locator("#inspect-list section").nth(i);
  await assert.doesNotReject(block(0).locator("h3").filter({ hasText: "next: step 1, from θ₀" }).waitFor());
  const lines = async (i) => block(i).locator("li").evaluateAll((ls) => ls.map((l) => l.getAttribute("aria-label")));
  const adam = await lines(0);
  assert.ok(adam.some((l) => l.startsWith("m ← 0.9m + 0.1g = 0.9·(0, 0) + 0.1·(")), adam.join("\n"));
  assert.ok(adam.some((l) => l.startsWith("γ / (√v̂ + ε) = ")), adam.join("\n"));
  assert.ok(adam.some((l) => l.startsWith("Δθ = ")));
  assert.ok(await block(0).locator("math").count() > 5, "the lines are MathML");
  assert.ok((await lines(1)).some((l) => l.startsWith("evaluations = 4")));
  assert.ok((await lines(2)).some((l) => l.includes("(clipped)")), "the clipped gradient is shown before and after");
  // Step moves the inspector on, and so does the step slider.
  await page.click("#step");
  await assert.doesNotReject(block(0).locator("h3").filter({ hasText: "next: step 2, from θ₁" }).waitFor());
  assert.notDeepEqual(await lines(0), adam);
  await page.getByRole("slider", { name: "Step", exact: true }).fill("12");
  await assert.doesNotReject(block(0).locator("h3").filter({ hasText: "next: step 13, from θ₁₂" }).waitFor());
  assert.equal(await page.locator("#step-out").textContent(), "step 12 of 40");
  await page.click("#reset");
  await page.click("#step");
  // The arrows add ink at each current point; their key shows with them.
  const before = await inkOf(page, "paths");
  await page.check("#arrows");
  assert.ok((await inkOf(page, "paths")) > before + 200, "arrows drawn");
  assert.equal(await page.locator("#arrow-key").isVisible(), true);
  await page.uncheck("#arrows");
  assert.equal(await inkOf(page, "paths"), before);
  // The charts the runs offer; each redraws the chart with its own name.
  const kinds = await page.locator("#chart-kind option").evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(kinds, ["loss", "lr", "curvature", "effective", "evals"]);
  const chartPixels = () => page.evaluate(() => document.getElementById("chart").toDataURL());
  const loss = await chartPixels();
  for (const kind of ["effective", "evals", "lr"]) {
    await page.selectOption("#chart-kind", kind);
    assert.notEqual(await chartPixels(), loss, kind);
  }
  assert.equal(await page.getByRole("img", { name: "Learning rate against step" }).count(), 1);
  // The address keeps what is shown; a link with it opens that way.
  await page.check("#arrows");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("arrows") === "1");
  const address = new URL(page.url());
  assert.equal(address.searchParams.get("chart"), "lr");
  assert.equal(address.searchParams.get("inspect"), "1");
  const again = await open(browser, `${server.url}${address.search}`);
  assert.equal(await again.page.locator("#inspector").evaluate((d) => d.open), true);
  assert.equal(await again.page.locator("#arrows").isChecked(), true);
  assert.equal(await again.page.locator("#chart-kind").inputValue(), "lr");
  assert.deepEqual(again.errors, []);
  await again.context.close();
  const bad = await open(browser, `${server.url}?fn=booth&start=0,0&steps=5&o1=sgd&o1.lr=0.1&chart=evals&arrows=yes`);
  await assert.doesNotReject(bad.page.locator("#message", { hasText: "chart: must be one of loss, lr, curvature for these optimizers, got evals" }).waitFor());
  assert.match(await bad.page.locator("#message").textContent(), /arrows: must be 1 \(show\) or 0, got yes/);
  await bad.context.close();
  await page.uncheck("#arrows");
  // Without an adaptive optimizer or L-BFGS their charts go, back to the loss.
  await page.evaluate(() => window.optiviz.setExperiment({ function: { name: "booth" }, start: [0, 0], steps: 5, optimizers: [{ name: "sgd", lr: 0.1 }] }));
  await page.selectOption("#chart-kind", "lr");
  assert.deepEqual(await page.locator("#chart-kind option").evaluateAll((os) => os.map((o) => o.value)), ["loss", "lr", "curvature"]);
  assert.deepEqual(errors, []);
});

test("every torch scheduler can be chosen on a card; a sequence is edited in place; bad milestones are named; a cycled momentum gets its chart", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=quadratic&start=3,2&steps=100&o1=sgd&o1.lr=0.05&o1.momentum=0.9&o2=adagrad&o2.lr=0.5`);
  const card = (i) => page.locator(".card.optimizer").nth(i);
  await card(0).locator("details.more summary").click();
  const kind = card(0).locator(".schedule select").first();
  // Every one the menu offers (the sequence last: it is edited next).
  const offered = (await kind.locator("option").evaluateAll((os) => os.map((o) => /** @type {HTMLOptionElement} */ (o).value))).filter((v) => v !== "");
  assert.deepEqual([...offered].sort(), ["constant", "cosine", "cosine_warm_restarts", "cyclic", "exponential", "inverse_time", "linear", "multistep", "onecycle", "plateau", "polynomial", "sequential", "step"]);
  for (const name of [...offered.filter((n) => n !== "sequential"), "sequential"]) {
    await kind.selectOption(name);
    assert.equal(await page.locator("#message").isVisible(), false, `${name}: ${await page.locator("#message").textContent()}`);
    assert.equal((await page.evaluate(() => window.optiviz.getExperiment())).optimizers[0].schedule.name, name);
  }
  // The sequence: a warm-up, then a cosine over the rest, each with its keys.
  const sub = card(0).locator(".sub-schedule");
  assert.equal(await sub.count(), 2);
  assert.equal(await sub.nth(1).locator("select").inputValue(), "cosine");
  await sub.nth(1).locator("select").selectOption("exponential");
  const seq = (await page.evaluate(() => window.optiviz.getExperiment())).optimizers[0].schedule;
  assert.deepEqual(seq.schedulers.map((s) => s.name), ["linear", "exponential"]);
  await card(0).getByRole("button", { name: "Add a schedule" }).click();
  assert.equal(await sub.count(), 3);
  const milestones = card(0).getByRole("textbox", { name: "milestones" });
  await milestones.fill("10, ten");
  await milestones.press("Enter");
  await assert.doesNotReject(card(0).locator(".field-error", { hasText: "\"ten\" is not a whole number" }).waitFor());
  assert.equal((await page.evaluate(() => window.optiviz.getExperiment())).optimizers[0].schedule.schedulers.length, 3, "nothing lost");
  await milestones.fill("10, 60");
  await milestones.press("Enter");
  assert.equal(await card(0).locator(".field-error").count(), 0);
  // Adagrad has no momentum: its cyclic schedule is offered with cycle_momentum off.
  await card(1).locator("details.more summary").click();
  await card(1).locator(".schedule select").first().selectOption("cyclic");
  assert.equal(await page.locator("#message").isVisible(), false);
  assert.equal(await card(1).getByRole("checkbox", { name: "cycle_momentum" }).isChecked(), false);
  // Keys that do nothing under the others are disabled, and come back.
  assert.equal(await card(1).getByRole("textbox", { name: "max_momentum" }).or(card(1).getByRole("spinbutton", { name: "max_momentum" })).isDisabled(), true);
  const gamma = card(1).getByRole("spinbutton", { name: "gamma" });
  assert.equal(await gamma.isDisabled(), true);
  await card(1).getByRole("combobox", { name: "mode" }).selectOption("exp_range");
  assert.equal(await gamma.isDisabled(), false);
  // One cycle on SGD cycles its momentum: the chart offers it.
  await kind.selectOption("onecycle");
  await page.selectOption("#chart-kind", "momentum");
  assert.equal(await page.getByRole("img", { name: "Momentum or β₁ against step" }).count(), 1);
  await page.waitForFunction(() => new URL(location.href).searchParams.get("o1.sched") === "onecycle");
  assert.deepEqual(errors, []);
});

test("your own function: typed live with errors marked at their column, its maths shown, parameters slid, minima found, the link kept", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=booth&start=1,1&steps=100&o1=adam&o1.lr=0.1`);
  await page.getByRole("combobox", { name: "Function" }).selectOption("custom");
  const box = page.getByRole("textbox", { name: "f(x, y) =" });
  assert.equal(await box.inputValue(), "x^2 + 10*y^2");
  // An unclosed parenthesis: the message names the column and marks it; nothing is applied.
  await box.fill("a*sin(x + y^2");
  const alert = page.locator(".formula-error");
  await page.waitForFunction(() => !document.querySelector(".formula-error").hidden);
  assert.equal(await alert.locator("p").textContent(), "Formula, column 14: expected ')' to close the '(' at column 6");
  assert.equal(await box.getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().function.expr), "x^2 + 10*y^2", "the last good formula stays");
  // An unknown function, with the suggestion.
  await box.fill("sinn(x) + y^2");
  await page.waitForFunction(() => document.querySelector(".formula-error p")?.textContent.includes("sinn"));
  assert.equal(await alert.locator("p").textContent(), "Formula, column 1: unknown function 'sinn'; did you mean 'sin'?");
  assert.equal(await alert.locator("mark").textContent(), "s");
  // Markup is text: it is shown, never made into elements.
  await box.fill("<img src=x onerror=alert(1)>");
  await page.waitForFunction(() => document.querySelector(".formula-error p")?.textContent.includes("'<'"));
  assert.equal(await page.locator(".formula-editor img, #formula img").count(), 0);
  // A good formula with two parameters applies as typed, focus kept.
  await box.fill("a*(x - 1)^2 + b*(y + 2)^2");
  await page.waitForFunction(() => window.optiviz.getExperiment().function.expr === "a*(x - 1)^2 + b*(y + 2)^2");
  assert.equal(await box.evaluate((el) => el === document.activeElement), true);
  assert.equal(await alert.isHidden(), true);
  assert.match(await page.locator("#formula math").textContent(), /a/);
  const partials = await page.locator(".partials").textContent();
  assert.match(partials, /∂f\/∂x =/);
  assert.match(partials, /∂f\/∂y =/);
  assert.equal(await page.getByRole("slider", { name: "a", exact: true }).count(), 1);
  assert.equal(await page.getByRole("slider", { name: "b", exact: true }).count(), 1);
  await page.getByRole("spinbutton", { name: "b (exact)" }).fill("10");
  await page.getByRole("spinbutton", { name: "b (exact)" }).press("Enter");
  await page.waitForFunction(() => window.optiviz.getExperiment().function.params.b === 10);
  assert.match(await page.locator("#surface-note").textContent(), /Minimum found numerically .*: f = 0 at \(1, -2\)/);
  // The link carries the formula and its parameters, and reproduces the runs
  // (the address is written 200 ms after the last change: the formula's
  // write can be there before b's).
  await page.waitForFunction(() => {
    const q = new URL(location.href).searchParams;
    return q.get("fn.expr") === "a*(x - 1)^2 + b*(y + 2)^2" && q.get("fn.b") === "10";
  });
  const link = await page.evaluate(() => window.optiviz.getLink());
  const again = await open(browser, link);
  assert.deepEqual(
    await again.page.evaluate(() => window.optiviz.getRuns().runs[0].points),
    await page.evaluate(() => window.optiviz.getRuns().runs[0].points),
  );
  assert.equal(await again.page.getByRole("textbox", { name: "f(x, y) =" }).inputValue(), "a*(x - 1)^2 + b*(y + 2)^2");
  await page.screenshot({ path: join(artifacts, "typed-function.png"), fullPage: true });
  // Away and back: the formula is kept.
  await page.getByRole("combobox", { name: "Function" }).selectOption("rosenbrock");
  await page.getByRole("combobox", { name: "Function" }).selectOption("custom");
  assert.equal(await box.inputValue(), "a*(x - 1)^2 + b*(y + 2)^2");
  assert.deepEqual(errors, []);
});

test("a typed function's undefined region is hatched, a path into it ends as diverged, and the window is editable", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=custom&fn.expr=${encodeURIComponent("log(x) + y^2")}&start=0.5,1&steps=40&o1=sgd&o1.lr=0.6`);
  assert.match(await page.locator("#surface-note").textContent(), /Hatched grey: where f has no value/);
  assert.match(await page.locator("#legend").textContent(), /diverged/);
  // The left half of the plot (x < 0) is hatched: stripes of grey (between
  // the hatch's two greys where the raster is scaled), never a colour of the scale.
  const pixels = await page.evaluate(() => {
    const c = document.getElementById("surface");
    const d = c.getContext("2d").getImageData(Math.round(c.width * 0.3), Math.round(c.height * 0.5), 24, 1).data;
    const out = [];
    for (let i = 0; i < d.length; i += 4) out.push([d[i], d[i + 1], d[i + 2]]);
    return out;
  });
  assert.ok(pixels.every(([r, g, b]) => r === g && g === b && r >= 140 && r <= 212), `hatch pixels: ${pixels}`);
  const shades = pixels.map(([r]) => r);
  assert.ok(Math.max(...shades) - Math.min(...shades) > 40, `stripes, not one grey: ${shades}`);
  // The window: typed, applied, kept in the link as the function's own.
  await page.getByRole("spinbutton", { name: "x from" }).fill("0.1");
  await page.getByRole("spinbutton", { name: "x from" }).press("Enter");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("fn.view") === "0.1,5,-5,5");
  assert.doesNotMatch(await page.locator("#surface-note").textContent(), /Hatched/);
  // A window that is no window is refused beside the box.
  await page.getByRole("spinbutton", { name: "x to" }).fill("-3");
  await page.getByRole("spinbutton", { name: "x to" }).press("Enter");
  assert.match(await page.getByRole("alert").first().textContent(), /must be \[min, max\]/);
  assert.equal(query(page).get("fn.view"), "0.1,5,-5,5");
  // A start where f has no value: the run ends there at once, and the page goes on.
  const nowhere = await open(browser, `${server.url}?fn=custom&fn.expr=${encodeURIComponent("log(x) + y^2")}&start=-1,1&steps=40&o1=sgd&o1.lr=0.1&curvature=1`);
  assert.match(await nowhere.page.locator("#legend").textContent(), /diverged at step 0/);
  await nowhere.page.getByRole("combobox", { name: "Function" }).selectOption("rosenbrock");
  assert.match(await nowhere.page.locator("#legend").textContent(), /sgd/);
  assert.deepEqual(nowhere.errors, []);
  assert.deepEqual(errors, []);
});

test("the page runs under a Content-Security-Policy without unsafe-eval; a hostile formula in a link is only text", async () => {
  const hostile = encodeURIComponent(`x"><script>document.title="owned"</script>`);
  const { page, errors } = await open(browser, `${server.url}?fn=custom&fn.expr=${hostile}&steps=10&o1=sgd&o1.lr=0.1`);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'/);
  // Text run as script is refused by the policy (and reported as a
  // violation, which this test expects once): a timer given a string.
  const before = errors.length;
  const refused = await page.evaluate(() => new Promise((done) => {
    document.addEventListener("securitypolicyviolation", (e) => done(e.effectiveDirective), { once: true });
    setTimeout("window.evaluated = true", 0);
  }));
  assert.equal(refused, "script-src");
  assert.equal(await page.evaluate(() => window.evaluated), undefined);
  // The harness's report of it comes back from the page by itself.
  for (const end = Date.now() + 10000; errors.length === before && Date.now() < end;) await new Promise((done) => setTimeout(done, 20));
  const blocked = errors.splice(before);
  assert.match(blocked.join("\n"), /CSP violation: script-src/);
  // That one was this test's own doing.
  cspViolations.splice(cspViolations.findIndex((v) => v.includes("script-src")), 1);
  // The formula's error is shown; the link's text never became markup.
  assert.match(await page.locator("#message").textContent(), /fn\.expr: column 2: /);
  assert.equal(await page.title(), "optiviz: see how optimizers move");
  assert.equal(await page.locator("script:not([src])").count(), 1, "the start script only");
  assert.deepEqual(errors, []);
});

test("a divergence is explained by the stability edge, and the curvature chart shows λmax against each step's limit", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=quadratic&start=3,2&steps=100&o1=sgd&o1.lr=0.21&o2=sgd&o2.lr=0.1&o3=adam&o3.lr=0.1&chart=curvature`);
  const legend = page.locator("#legend li");
  assert.match(await legend.nth(0).textContent(), /diverged.*: lr 0\.21 > edge 0\.2 at the minimum \(0, 0\): unstable along y/);
  assert.doesNotMatch(await legend.nth(1).textContent(), /edge/);
  assert.equal(await page.locator("#chart-kind").inputValue(), "curvature");
  assert.match(await page.locator("#chart-caption").textContent(), /2\/lr for plain SGD/);
  assert.equal(await page.locator("#chart").getAttribute("aria-label"), "The Hessian's largest eigenvalue at each point of each path, and each fixed-step optimizer's stability limit");
  assert.ok((await inkOf(page, "chart")) > 500, "the chart is drawn");
  await page.locator("figure.chart").screenshot({ path: join(artifacts, "curvature-chart.png") });
  assert.deepEqual(errors, []);
});

test("curvature ellipses: switched on from the inspector or a link, drawn at each current point", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=rosenbrock&start=-1.5,2&steps=200&o1=adam&o1.lr=0.02&inspect=1`);
  const before = await inkOf(page, "paths");
  await page.getByRole("checkbox", { name: "Curvature ellipses on the plot" }).check();
  await page.waitForFunction(() => new URL(location.href).searchParams.get("curvature") === "1");
  assert.equal(await page.locator("#curvature-key").isVisible(), true);
  assert.ok((await inkOf(page, "paths")) > before + 100, "the ellipse adds ink");
  await page.locator("#plot").screenshot({ path: join(artifacts, "curvature-ellipse.png") });
  const again = await open(browser, page.url());
  assert.equal(await again.page.getByRole("checkbox", { name: "Curvature ellipses on the plot" }).isChecked(), true);
  assert.deepEqual(errors, []);
});

/** Pixels of a canvas that are not fully transparent, counted in the page
 * (for a `waitForFunction`). */
const INK = (id) => {
  const c = document.getElementById(id);
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
};

/** A hash of a canvas's pixels, in the page. */
const PICTURE = (id) => {
  const c = document.getElementById(id);
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let h = 0;
  for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) >>> 0;
  return h;
};

/** Waits until every message the page's live workers were sent has been
 * answered (`countWorkerMessages`), then for two animation frames, so that
 * whatever the answers would draw has been drawn. */
async function answersIn(page) {
  await page.waitForFunction(() => window.workerMessages.filter((w) => !w.terminated).every((w) => w.sent === w.received), null, { timeout: 60000 });
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

test("a basin map is computed in workers with progress, drawn over the surface, taken off by a change; stopped by Cancel or a change, its part drawn goes and its late answers are dropped; the page keeps answering", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=himmelblau&start=0,0&steps=200&o1=adam&o1.lr=0.1&o2=sgd&o2.lr=0.01`, {}, countWorkerMessages);
  await page.locator("#basins summary").click();
  // The fold's toggle event (which fills the list) is a task of its own.
  await page.waitForFunction(() => document.querySelectorAll("#basin-optimizer option").length === 2);
  assert.deepEqual(await page.locator("#basin-optimizer option").allTextContents(), ["1: adam lr=0.1", "2: sgd lr=0.01"]);
  await page.locator("#basin-grid").selectOption("64");
  const before = await inkOf(page, "paths");
  await page.getByRole("button", { name: "Compute the map" }).click();
  // While it runs the page still steps.
  await page.locator("#reset").click();
  await page.locator("#step").click();
  assert.match(await page.locator("#step-out").textContent(), /^step 1 of 200/);
  await page.waitForFunction(() => document.getElementById("basin-status").textContent.startsWith("64 × 64 starts of 1: adam"), null, { timeout: 60000 });
  assert.equal(await page.locator("#basin-progress").isHidden(), true);
  assert.ok((await inkOf(page, "paths")) > before + 100000, "the map covers the plot");
  const legend = await page.locator("#basin-legend li").allTextContents();
  assert.equal(legend.length, 6, "four minima, elsewhere, diverged");
  assert.match(legend[0], /the minimum at \(3, 2\)/);
  // (How long the main thread is held meanwhile: make bench-page's basin rows.)
  // A change to what is computed takes the map off.
  const lr = page.getByRole("slider", { name: "Learning rate" }).first();
  await lr.fill("-2");
  await page.waitForFunction(() => document.getElementById("basin-status").textContent === "Taken off: the experiment changed.");
  assert.ok((await inkOf(page, "paths")) < before + 100000);
  // The sweep's fold, open, keeps the workers when no work is left, so the
  // answers of a map stopped mid-way still arrive: and are dropped.
  await page.locator("#sweep summary").click();
  await page.waitForFunction(() => document.getElementById("sweep-status").textContent.startsWith("61 learning rates"), null, { timeout: 60000 });
  await page.locator("#basin-grid").selectOption("256");
  /** Computes the 256 × 256 map until some of it is drawn; the paths' ink without it. */
  const partly = async () => {
    const bare = await inkOf(page, "paths");
    await page.getByRole("button", { name: "Compute the map" }).click();
    await page.waitForFunction((bare) => /^[1-9]\d?% of 256/.test(document.getElementById("basin-status").textContent) && INK("paths") > bare + 20000, bare, { timeout: 60000 });
    return bare;
  };
  // INK, in the page.
  await page.evaluate(`window.INK = ${INK}`);
  // Cancel stops a map in progress: what it drew goes at once, with answers still to come.
  let bare = await partly();
  const waiting = await page.evaluate(() => {
    document.getElementById("basin-cancel").click();
    return window.workerMessages.filter((w) => !w.terminated).reduce((n, w) => n + w.sent - w.received, 0);
  });
  assert.ok(waiting > 0, "answers were on their way");
  assert.equal(await page.locator("#basin-status").textContent(), "Cancelled.");
  assert.equal(await page.getByRole("button", { name: "Compute the map" }).isEnabled(), true);
  assert.equal(await inkOf(page, "paths"), bare, "the part drawn is cleared");
  // The answers arrive and change nothing.
  await answersIn(page);
  assert.equal(await inkOf(page, "paths"), bare);
  assert.equal(await page.locator("#basin-status").textContent(), "Cancelled.");
  assert.equal(await page.locator("#basin-progress").isHidden(), true);
  // A change of the experiment mid-way stops it too, and says why.
  bare = await partly();
  await lr.fill("-2.5");
  await page.waitForFunction(() => document.getElementById("basin-status").textContent === "Cancelled: the experiment changed.");
  const after = await inkOf(page, "paths");
  assert.ok(after < bare + 5000, `the part drawn is cleared: ${after} against ${bare} without it`);
  await answersIn(page);
  assert.equal(await inkOf(page, "paths"), after);
  assert.equal(await page.locator("#basin-status").textContent(), "Cancelled: the experiment changed.");
  assert.equal(await page.getByRole("button", { name: "Compute the map" }).isEnabled(), true);
  assert.deepEqual(errors, []);
});

/** On the sweep's chart (at device pixel ratio 1; its plotting rectangle
 * inset 60, 8, 12 and 32 CSS px, lr from 1e-5 to 10 on a log axis): how
 * many of 24 points around a ring of radius 5.5 at `lr` (at its best height)
 * are in colour `hex`, and the share of the column at `lr` in it. */
const sweepMarks = (page, lr, hex) =>
  page.evaluate(([lr, hex]) => {
    const c = document.getElementById("sweep-chart");
    const [W, H] = [c.width, c.height];
    const d = c.getContext("2d").getImageData(0, 0, W, H).data;
    const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const is = (x, y, tol) => {
      [x, y] = [Math.round(x), Math.round(y)];
      const i = (y * W + x) * 4;
      return x >= 0 && y >= 0 && x < W && y < H && Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < tol;
    };
    const x = 60 + ((Math.log10(lr) + 5) / 6) * (W - 72);
    let ring = 0;
    for (let y = 8; y < H - 32; y++) {
      let n = 0;
      for (let k = 0; k < 24; k++) if (is(x + 5.5 * Math.cos((k * Math.PI) / 12), y + 5.5 * Math.sin((k * Math.PI) / 12), 60)) n++;
      ring = Math.max(ring, n);
    }
    let column = 0;
    let top = null;
    for (let y = 8; y < H - 32; y++) {
      if ([-2, -1, 0, 1, 2].some((dx) => is(x + dx, y, 120))) column++;
      if (top === null && is(x, y, 60)) top = y;
    }
    return { ring, column: column / (H - 40), x, top };
  }, [lr, hex]);

test("the learning-rate sweep is computed in workers, marks the current lr and the edge, and a click sets the lr under it", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=quadratic&start=3,2&steps=200&o1=sgd&o1.lr=0.05&o2=adam&o2.lr=0.1`);
  await page.locator("#sweep summary").click();
  await page.waitForFunction(() => document.getElementById("sweep-status").textContent.startsWith("61 learning rates"), null, { timeout: 60000 });
  const [sgd, adam] = await colours(page);
  for (const c of [sgd, adam]) assert.ok((await pixelsOf(page, "sweep-chart", c)) > 300, `a line in ${c} is drawn`);
  // A ring at each optimizer's learning rate now, none elsewhere on its line.
  assert.ok((await sweepMarks(page, 0.05, sgd)).ring >= 16, "SGD's ring at 0.05");
  assert.ok((await sweepMarks(page, 0.1, adam)).ring >= 16, "Adam's ring at 0.1");
  for (const lr of [0.003, 0.02]) assert.ok((await sweepMarks(page, lr, sgd)).ring <= 10, `no ring at ${lr}`);
  // SGD's edge on this quadratic, 2 / λmax = 0.2: a dashed line down the
  // chart there, and only the line's crossing elsewhere.
  const edge = (await sweepMarks(page, 0.2, sgd)).column;
  assert.ok(edge > 0.15 && edge < 0.8, `dashed at 0.2: ${edge}`);
  for (const lr of [0.002, 0.02]) assert.ok((await sweepMarks(page, lr, sgd)).column < 0.08, `no edge at ${lr}`);
  // A click on SGD's line at 0.01 sets SGD's lr to the rate under the
  // pointer (within a pixel: 6 decades over the chart's width), and only that.
  const at = await sweepMarks(page, 0.01, sgd);
  const box = await page.locator("#sweep-chart").boundingBox();
  await page.mouse.click(box.x + at.x, box.y + at.top + 1);
  await page.waitForFunction(() => /lr set to/.test(document.getElementById("notice").textContent));
  const lrs = await page.evaluate(() => window.optiviz.getExperiment().optimizers.map((o) => o.lr));
  const pixel = 6 / (box.width - 72);
  assert.ok(Math.abs(Math.log10(lrs[0] / 0.01)) < 1.5 * pixel, `SGD's lr is the one clicked: ${lrs[0]}`);
  assert.equal(lrs[1], 0.1, "Adam's is kept");
  assert.equal(await page.locator("#notice").textContent(), `SGD: lr set to ${lrs[0]}`);
  // The ring follows it.
  assert.ok((await sweepMarks(page, lrs[0], sgd)).ring >= 16, "SGD's ring moved to the new lr");
  assert.ok((await sweepMarks(page, 0.05, sgd)).ring <= 10, "and left 0.05");
  // A change to anything but the learning rates computes the sweep again.
  await page.getByRole("spinbutton", { name: "Steps" }).fill("50");
  await page.getByRole("spinbutton", { name: "Steps" }).press("Enter");
  await page.waitForFunction(() => document.getElementById("sweep-status").textContent.includes("50 steps each"), null, { timeout: 60000 });
  await page.locator("#sweep").screenshot({ path: join(artifacts, "sweep.png") });
  assert.deepEqual(errors, []);
});

test("Muon and the optimizers of pytorch_optimizer are offered by package, run, tell their estimate, and draw their extra series on the plot and in the figure", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=himmelblau&start=0.5,-3&steps=40&o1=sgd&o1.lr=0.01`);
  const groups = await page.evaluate(() => [...document.querySelectorAll("#add-name optgroup")].map((g) => [g.label, [...g.querySelectorAll("option")].map((o) => o.value)]));
  const added = ["muon", "lion", "adabelief", "adopt", "ademamix", "schedulefree_sgd", "schedulefree_adamw", "prodigy", "sam", "lookahead"];
  assert.deepEqual(groups.map((g) => g[0]), ["torch.optim", "pytorch_optimizer 4.1.0", "your own"]);
  assert.deepEqual(groups[2][1], ["rule"]);
  assert.ok(groups[0][1].includes("muon") && groups[0][1].includes("lbfgs"));
  for (const name of added.slice(1)) assert.ok(groups[1][1].includes(name), `${name} is offered under pytorch_optimizer`);
  for (const name of added) {
    await page.locator("#add-name").selectOption(name);
    await page.locator("#add").click();
  }
  await page.waitForFunction((n) => document.querySelectorAll(".card.optimizer").length === n, added.length + 1);
  const runs = (await page.evaluate(() => window.optiviz.getRuns())).runs;
  assert.deepEqual(runs.map((r) => r.name), ["sgd", ...added]);
  // Each runs from the start at the rate the menu gives it (schedule-free
  // SGD's default of 1 overshoots here and is told diverged).
  for (const r of runs) {
    assert.ok(r.points.length === 41 || r.status.state === "diverged", `${r.name}: ${r.points.length} points, ${r.status.state}`);
    assert.ok(r.points.every((p) => p.every(Number.isFinite)), `${r.name} keeps finite points`);
  }
  // Each extra series has an entry per step, and only where it belongs.
  const series = Object.fromEntries(runs.map((r) => [r.name, ["eval_points", "ascent_points", "slow_points"].filter((k) => k in r)]));
  assert.deepEqual(series.schedulefree_sgd, ["eval_points"]);
  assert.deepEqual(series.schedulefree_adamw, ["eval_points"]);
  assert.deepEqual(series.sam, ["ascent_points"]);
  assert.deepEqual(series.lookahead, ["slow_points"]);
  assert.deepEqual(series.lion, []);
  for (const r of runs) for (const k of series[r.name]) assert.ok(r[k].length >= r.points.length - 1 && r[k].length <= 40, `${r.name}'s ${k}: an entry a step`);
  // SAM and Lookahead hold a base: its card part offers the optimizers it may hold.
  const sam = page.getByRole("group", { name: "SAM" });
  await assert.doesNotReject(sam.getByRole("group", { name: "Base optimizer" }).waitFor());
  const bases = await sam.locator('[data-setting="base"] select option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(bases.includes("adam") && !bases.includes("lbfgs") && !bases.includes("sam"), bases.join());
  await sam.locator('[data-setting="base"] select').selectOption("adam");
  await page.waitForFunction(() => window.optiviz.getExperiment().optimizers[9].base.name === "adam");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("o10.base") === "adam");
  // The key names the dashed second paths and SAM's ticks.
  assert.equal(await page.locator("#key-second").isVisible(), true);
  assert.equal(await page.locator("#key-ticks").isVisible(), true);
  // Prodigy says its distance estimate in its status line.
  await page.waitForFunction(() => /· d = /.test(document.querySelector('[data-status="8"]').textContent));
  // The figure draws the extra series faint in each optimizer's colour:
  // the averaged iterate and the slow weights dashed, SAM's climbs as ticks.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "SVG" }).click()]);
  const svg = await (await import("node:fs/promises")).readFile(await download.path(), "utf8");
  const colour = await page.evaluate(() => Object.fromEntries(window.optiviz.getExperiment().optimizers.map((o, i) => [o.name, document.querySelectorAll('input[type="color"]')[i].value])));
  const dashed = (c) => [...svg.matchAll(new RegExp(`<polyline [^>]*stroke="${c}"[^>]*stroke-dasharray`, "g"))].length;
  for (const name of ["schedulefree_sgd", "schedulefree_adamw", "lookahead"]) assert.equal(dashed(colour[name]), 1, `${name}'s second path`);
  for (const name of ["sgd", "lion", "prodigy", "sam"]) assert.equal(dashed(colour[name]), 0, `no second path for ${name}`);
  const ticks = svg.match(new RegExp(`<path d="((M[^L]+L[^M"]+)+)" fill="none" stroke="${colour.sam}"`));
  assert.ok(ticks && ticks[1].split("M").length - 1 === 40, "a tick for each of SAM's 40 climbs");
  await page.screenshot({ path: join(artifacts, "beyond-torch.png") });
  assert.deepEqual(errors, []);
});

test("Tune each learning rate sets every optimizer to the best rate of its own sweep as one edit, names each, keeps a locked one, and Undo takes it back", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=quadratic&start=3,2&steps=100&o1=sgd&o1.lr=0.01&o2=adam&o2.lr=0.01&o3=lion&o3.lr=0.001&lock=o3.lr`);
  const grid = Array.from({ length: 61 }, (_, j) => (j === 0 ? 1e-5 : j === 60 ? 10 : Math.pow(10, -5 + (6 * j) / 60)));
  await page.locator("#sweep summary").click();
  // Pressed at once: it waits for the sweep, with its progress and Cancel.
  await page.getByRole("button", { name: "Tune each learning rate" }).click();
  assert.match(await page.locator("#tune-status").textContent(), /^Tuning: waiting for the sweep/);
  await page.waitForFunction(() => document.getElementById("tune-status").textContent.startsWith("Tuned:"), null, { timeout: 60000 });
  const lrs = await page.evaluate(() => window.optiviz.getExperiment().optimizers.map((o) => o.lr));
  for (const lr of lrs.slice(0, 2)) assert.ok(grid.some((g) => Math.abs(g / lr - 1) < 1e-12), `${lr} is one of the sweep's rates`);
  // SGD's best converging rate is below its edge at 2/10; Lion's is locked.
  assert.ok(lrs[0] > 0.01 && lrs[0] < 0.2, `SGD at ${lrs[0]}`);
  assert.equal(lrs[2], 0.001);
  const message = await page.locator("#tune-status").textContent();
  assert.match(message, /SGD lr [0-9.e-]+/);
  assert.match(message, /Adam lr [0-9.e-]+/);
  assert.match(message, /Lion kept lr 0\.001 \(locked by the link\)/);
  await page.waitForFunction((lr) => Number(new URL(location.href).searchParams.get("o1.lr")) === lr, lrs[0]);
  // One Undo restores every rate.
  await page.getByRole("button", { name: "Undo the tuning" }).click();
  assert.deepEqual(await page.evaluate(() => window.optiviz.getExperiment().optimizers.map((o) => o.lr)), [0.01, 0.01, 0.001]);
  assert.match(await page.locator("#tune-status").textContent(), /undone/);
  assert.equal(await page.getByRole("button", { name: "Undo the tuning" }).isHidden(), true);
  // With the sweep done, a second Tune applies at once, the same rates.
  await page.getByRole("button", { name: "Tune each learning rate" }).click();
  assert.match(await page.locator("#tune-status").textContent(), /^Tuned:/);
  assert.deepEqual(await page.evaluate(() => window.optiviz.getExperiment().optimizers.map((o) => o.lr)), lrs);
  await page.getByRole("button", { name: "Undo the tuning" }).click();
  // After an edit the sweep is stale: Tune computes it at once, and Cancel
  // meanwhile changes no rate.
  await page.getByRole("spinbutton", { name: "Steps" }).fill("60");
  await page.getByRole("spinbutton", { name: "Steps" }).press("Enter");
  await page.evaluate(() => {
    document.getElementById("sweep-tune").click();
    document.getElementById("sweep-cancel").click();
  });
  assert.equal(await page.locator("#tune-status").textContent(), "Tuning cancelled: no learning rate changed.");
  assert.equal(await page.getByRole("button", { name: "Tune each learning rate" }).isDisabled(), false);
  assert.deepEqual(await page.evaluate(() => window.optiviz.getExperiment().optimizers.map((o) => o.lr)), [0.01, 0.01, 0.001]);
  await page.locator("#sweep").screenshot({ path: join(artifacts, "tune.png") });
  assert.deepEqual(errors, []);
});

test("a sweep in progress is cancelled by Cancel and waits for Compute the sweep; edits meanwhile compute nothing", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=quadratic&start=3,2&steps=100000&o1=sgd&o1.lr=0.05&o2=adam&o2.lr=0.1`, {}, countWorkerMessages);
  await page.locator("#sweep summary").click();
  await page.getByRole("button", { name: "Cancel the sweep" }).click();
  assert.match(await page.locator("#sweep-status").textContent(), /^Sweep cancelled/);
  assert.equal(await page.locator("#sweep-progress").isHidden(), true);
  const [sgd, adam] = await colours(page);
  assert.equal((await pixelsOf(page, "sweep-chart", sgd)) + (await pixelsOf(page, "sweep-chart", adam)), 0, "no line is left on the chart");
  // The answers on their way when it was cancelled arrive, and draw nothing.
  await answersIn(page);
  assert.equal((await pixelsOf(page, "sweep-chart", sgd)) + (await pixelsOf(page, "sweep-chart", adam)), 0, "no late line");
  assert.match(await page.locator("#sweep-status").textContent(), /^Sweep cancelled/);
  // An edit while cancelled starts nothing: once the page has taken it (the
  // redraw after it, which would start a sweep, comes in the same task; the
  // address follows 200 ms later), the status is the same and no task has
  // gone to a worker.
  const sent = () => page.evaluate(() => window.workerMessages.reduce((n, w) => n + w.sent, 0));
  const tasks = await sent();
  await page.getByRole("spinbutton", { name: "Steps" }).fill("50");
  await page.getByRole("spinbutton", { name: "Steps" }).press("Enter");
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().steps), 50);
  await page.waitForFunction(() => new URL(location.href).searchParams.get("steps") === "50");
  assert.match(await page.locator("#sweep-status").textContent(), /^Sweep cancelled/);
  assert.equal(await sent(), tasks, "no task sent");
  assert.equal(await pixelsOf(page, "sweep-chart", sgd), 0);
  await page.getByRole("button", { name: "Compute the sweep" }).click();
  await page.waitForFunction(() => document.getElementById("sweep-status").textContent.includes("50 steps each"), null, { timeout: 60000 });
  assert.ok((await pixelsOf(page, "sweep-chart", sgd)) > 300, "SGD's line is drawn");
  assert.ok((await pixelsOf(page, "sweep-chart", adam)) > 300, "Adam's line is drawn");
  assert.equal(await page.locator("#sweep-controls").isHidden(), true);
  assert.deepEqual(errors, []);
});

test("two-feature least squares: picked, its generated data and Standardize edited, x1,x2,y rows pasted, and the scaling scenarios loaded", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=booth&start=0,0&steps=60&o1=sgd&o1.lr=0.01`);
  await page.getByRole("combobox", { name: "Function" }).selectOption("least_squares_2d");
  await page.waitForFunction(() => window.optiviz.getExperiment().function.name === "least_squares_2d");
  assert.equal(await page.locator("#data-figure").isVisible(), true);
  assert.match(await page.locator("#data-caption").textContent(), /^100 rows, each drawn at its actual y/);
  assert.equal(await page.getByRole("spinbutton", { name: "Start w1" }).count(), 1);
  const kappa = async () => Number((await page.locator("#surface-note").textContent()).match(/κ = λmax\/λmin = ([\d.e+]+)/)[1]);
  const raw = await kappa();
  assert.ok(raw > 20, `x2 on five times x1's scale: κ = ${raw}`);
  // The generate keys are this model's: correlation and scale among them.
  const rho = page.getByRole("spinbutton", { name: "correlation ρ" });
  await rho.fill("0.95");
  await rho.press("Tab");
  await page.waitForFunction(() => window.optiviz.getExperiment().function.generate.rho === 0.95);
  await page.waitForFunction(() => new URL(location.href).searchParams.get("data.rho") === "0.95");
  assert.ok(await kappa() > raw, "more correlated, worse conditioned");
  const scale = page.getByRole("spinbutton", { name: "x2 scale" });
  await scale.fill("0");
  await scale.press("Tab");
  assert.match(await page.locator(".field-error").textContent(), /generate\.scale: must be in \(0, 100\], got 0$/);
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().function.generate.scale), 5, "the last valid data kept");
  await scale.fill("10");
  await scale.press("Tab");
  await page.waitForFunction(() => window.optiviz.getExperiment().function.generate.scale === 10);
  const unscaled = await kappa();
  // Standardizing: the scale no longer counts, only the correlation.
  const before = await page.locator("#surface").screenshot();
  await page.getByRole("checkbox", { name: "Standardize x1 and x2" }).check();
  await page.waitForFunction(() => window.optiviz.getExperiment().function.standardize === true);
  await page.waitForFunction(() => new URL(location.href).searchParams.get("fn.standardize") === "true");
  const standardized = await kappa();
  assert.ok(standardized < unscaled / 10 && standardized > 20, `${unscaled} → ${standardized}`);
  assert.notEqual(await framesToFullDetail(page, 600), null);
  assert.notDeepEqual(await page.locator("#surface").screenshot(), before, "the surface redrawn");
  // Pasted rows are x1,x2,y; a bad line is named.
  await page.getByRole("combobox", { name: "Rows" }).selectOption("data");
  const area = page.getByRole("textbox", { name: "x1,x2,y rows" });
  const rows = (await area.inputValue()).trim().split("\n");
  assert.equal(rows[0], "x1,x2,y");
  assert.equal(rows.length, 101);
  await area.fill("x1,x2,y\n1,2,3\n2,1\n");
  await page.getByRole("button", { name: "Use these rows" }).click();
  assert.equal(await page.getByRole("alert").textContent(), "Rows, line 3: expected three finite numbers x1,x2,y, got \"2,1\"");
  await area.fill("x1,x2,y\n1,2,3\n2,1,0.5\n-1,0.5,2\n");
  await page.getByRole("button", { name: "Use these rows" }).click();
  assert.deepEqual(await page.evaluate(() => window.optiviz.getExperiment().function.data), { x: [[1, 2], [2, 1], [-1, 0.5]], y: [3, 0.5, 2] });
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().function.standardize), true, "standardizing stays");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("data") === "1,2,3;2,1,0.5;-1,0.5,2");
  assert.match(await page.locator("#data-caption").textContent(), /^3 rows/);
  // The scenarios: raw features crawl; standardized they walk straight.
  const picker = page.getByRole("combobox", { name: "Scenario" });
  await picker.selectOption("scaling");
  assert.match(await page.locator("#lesson").textContent(), /crawls along its floor/);
  assert.equal(await page.getByRole("checkbox", { name: "Standardize x1 and x2" }).isChecked(), false);
  assert.match(await page.locator("#surface-note").textContent(), /κ = λmax\/λmin = 136/);
  await page.screenshot({ path: join(artifacts, "scaling.png"), fullPage: true });
  await picker.selectOption("standardized");
  assert.match(await page.locator("#lesson").textContent(), /walks straight to the fit/);
  assert.equal(await page.getByRole("checkbox", { name: "Standardize x1 and x2" }).isChecked(), true);
  assert.match(await page.locator("#surface-note").textContent(), /κ = λmax\/λmin = 2\.97/);
  assert.ok(await inkOf(page, "data") > 1000, "the data panel shows the rows and the fits");
  await page.screenshot({ path: join(artifacts, "standardized.png"), fullPage: true });
  assert.deepEqual(errors, []);
});

test("switching the function from a mini-batch scenario drops what the new one cannot take", async () => {
  const { page, errors } = await open(browser, server.url);
  await page.getByRole("combobox", { name: "Scenario" }).selectOption("batch-size");
  await page.getByRole("combobox", { name: "Function" }).selectOption("rosenbrock");
  await page.waitForFunction(() => window.optiviz.getExperiment().function.name === "rosenbrock");
  assert.equal(await page.locator("#message").isHidden(), true);
  assert.ok(await page.evaluate(() => window.optiviz.getExperiment().optimizers.every((o) => o.batch_size === undefined)));
  assert.deepEqual(errors, []);
});

test("a network: picked, trained by every optimizer, its landscape computed in workers and drawn coarse to fine, its panel and layer chart drawn, its controls checked, Cancel keeping the grid drawn, and its link kept", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=booth&start=0,0&steps=60&o1=sgd&o1.lr=0.01&o2=adam&o2.lr=0.05`, {}, countWorkerMessages);
  // What the landscape's status says, each time, with the surface as it is then.
  await page.evaluate(`window.PICTURE = ${PICTURE}`);
  await page.evaluate(() => {
    const status = document.getElementById("landscape-status");
    window.landscapeSaid = [];
    new MutationObserver(() => window.landscapeSaid.push([status.textContent, window.PICTURE("surface")])).observe(status, { childList: true, characterData: true, subtree: true });
  });
  await page.getByRole("combobox", { name: "Function" }).selectOption("mlp");
  await page.waitForFunction(() => window.optiviz.getExperiment().function.name === "mlp");
  // No start to set: the network starts at its initial weights.
  assert.equal(await page.locator("#start-x").isVisible(), false);
  assert.match(await page.locator("#start-note").textContent(), /initial weights θ0/);
  assert.equal(await page.evaluate(() => "start" in window.optiviz.getExperiment()), false);
  // The landscape arrives from the workers, finest grid last.
  await page.waitForFunction(() => /^Landscape: \d+ × \d+ samples of the full-data loss\.$/.test(document.getElementById("landscape-status").textContent), null, { timeout: 30000 });
  // Three grids, each finer than the one before, each drawn as it is done
  // (the surface changed when each was said done).
  const said = await page.evaluate(() => window.landscapeSaid);
  const grids = said.map(([text]) => text).filter((t) => / done, | samples /.test(t));
  const sizes = grids.map((t) => t.match(/(\d+) × (\d+)/).slice(1).map(Number));
  assert.equal(grids.length, 3, said.map(([t]) => t).join("\n"));
  assert.ok(sizes[0][0] * sizes[0][1] < sizes[1][0] * sizes[1][1] && sizes[1][0] * sizes[1][1] < sizes[2][0] * sizes[2][1], JSON.stringify(sizes));
  assert.ok(sizes[2][0] * sizes[2][1] >= 50 * 50, `the finest grid: ${sizes[2]}`);
  const pictures = said.filter(([text]) => / done, | samples /.test(text)).map(([, hash]) => hash);
  assert.equal(new Set(pictures).size, 3, "each grid drew a new surface");
  assert.match(await page.locator("#surface-note").textContent(), /^This plane holds \d+% of the motion/);
  assert.equal(await page.locator("#landscape-cancel").isVisible(), false);
  // Each optimizer's network over the input plane, and the status with accuracy.
  assert.equal(await page.locator("#data-figure").isVisible(), true);
  assert.match(await page.locator("#data-caption").textContent(), /decision boundary/);
  assert.ok((await inkOf(page, "data")) > 10000, "the panel is drawn");
  assert.match(await page.locator("#legend").textContent(), /% right/);
  // The layer chart.
  await page.getByRole("combobox", { name: "Chart" }).selectOption("layers");
  assert.match(await page.locator("#chart-caption").textContent(), /vanishing gradients/);
  await page.waitForFunction(() => new URL(location.href).searchParams.get("chart") === "layers");
  // A bad architecture is named, and nothing is lost.
  const hidden = page.getByRole("textbox", { name: "Hidden layers (widths)" });
  await hidden.fill("8, 100");
  await hidden.press("Tab");
  assert.match(await page.locator(".field-error").first().textContent(), /function\.hidden\[1\]: .*64/);
  assert.deepEqual(await page.evaluate(() => window.optiviz.getExperiment().function.hidden), [8, 8]);
  await hidden.fill("6, 6, 6");
  await hidden.press("Tab");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("fn.hidden") === "6,6,6");
  // The rebuilt card keeps the keyboard in it.
  await page.waitForFunction(() => document.getElementById("function-params").contains(document.activeElement));
  // A change cancels the landscape in progress and computes the new one.
  await page.getByRole("combobox", { name: "Activation" }).selectOption("relu");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("fn.activation") === "relu");
  await page.waitForFunction(() => /samples of the full-data loss\.$/.test(document.getElementById("landscape-status").textContent), null, { timeout: 30000 });
  // Cancel, once a grid is drawn and the next under way (pressed in the page
  // at that moment), keeps the grid drawn, drops the answers still to come,
  // and offers to go on.
  await page.getByRole("combobox", { name: "Dataset" }).selectOption("spiral");
  const marks = () => page.evaluate(() => performance.getEntriesByName("optiviz-landscape").length);
  const finished = await marks();
  const atCancel = await page.waitForFunction(() => {
    if (!/ done, computing /.test(document.getElementById("landscape-status").textContent)) return false;
    const picture = window.PICTURE("surface");
    document.getElementById("landscape-cancel").click();
    return { picture, waiting: window.workerMessages.filter((w) => !w.terminated).reduce((n, w) => n + w.sent - w.received, 0) };
  }, null, { timeout: 30000 }).then((h) => h.jsonValue());
  assert.ok(atCancel.waiting > 0, "answers were on their way");
  assert.match(await page.locator("#landscape-status").textContent(), /^Landscape stopped: the plot shows the finest grid computed so far\.$/);
  assert.equal(await page.evaluate(() => window.PICTURE("surface")), atCancel.picture, "the grid drawn is kept");
  await answersIn(page);
  assert.equal(await page.evaluate(() => window.PICTURE("surface")), atCancel.picture, "late answers drew nothing");
  assert.match(await page.locator("#landscape-status").textContent(), /^Landscape stopped/);
  assert.equal(await marks(), finished, "nor finished the landscape");
  await page.getByRole("button", { name: "Compute in full" }).click();
  await page.waitForFunction(() => /samples of the full-data loss\.$/.test(document.getElementById("landscape-status").textContent), null, { timeout: 30000 });
  // The link reproduces the network.
  const link = page.url();
  const again = await open(browser, link);
  await again.page.waitForFunction(() => window.optiviz?.getExperiment().function.name === "mlp");
  assert.deepEqual(
    await again.page.evaluate(() => window.optiviz.getExperiment().function),
    await page.evaluate(() => window.optiviz.getExperiment().function),
  );
  assert.deepEqual(again.errors, []);
  // Back to a formula: a start again, no panel, no landscape work.
  await page.getByRole("combobox", { name: "Function" }).selectOption("rosenbrock");
  await page.waitForFunction(() => window.optiviz.getExperiment().function.name === "rosenbrock");
  assert.equal(await page.locator("#start-x").isVisible(), true);
  assert.equal(await page.locator("#landscape").isVisible(), false);
  assert.equal(await page.locator("#data-figure").isVisible(), false);
  // (How long the main thread is held meanwhile: make bench-page's network rows.)
  assert.deepEqual(errors, []);
});

test("the network scenarios load and read as their lessons say, on a phone too", async () => {
  const { page, errors } = await open(browser, `${server.url}?fn=mlp&steps=50&o1=adam&o1.lr=0.01`, { viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true });
  for (const [id, right] of [["vanishing", [/43% right/, /100% right/]], ["batch-norm", [/100% right/, /100% right/]], ["exploding", [/50% right/, /\d\d% right/]]]) {
    await page.locator("#scenario").selectOption(id);
    await page.waitForFunction((want) => window.optiviz.getExperiment().steps > 0 && document.getElementById("lesson").textContent.length > 50 && new URL(location.href).searchParams.get("fn") === "mlp", id);
    await page.getByRole("button", { name: "Show complete" }).click();
    const legend = await page.locator("#legend li").allTextContents();
    right.forEach((r, i) => assert.match(legend[i], r, `${id}: ${legend[i]}`));
  }
  // The panel's tiles fit the phone's width.
  const box = await page.locator("#data").boundingBox();
  assert.ok(box.width <= 375, `${box.width}`);
  assert.deepEqual(errors, []);
});

test("the surface in relief: a view3d link loads into it; drag, wheel and keys turn and zoom it; the link, downloads and embed keep the angle; a network and a phone too", async () => {
  const four = "fn=rosenbrock&start=-1.5,2&steps=500&o1=sgd&o1.lr=0.001&o2=sgd&o2.lr=0.001&o2.momentum=0.9&o3=adam&o3.lr=0.05&o4=rmsprop&o4.lr=0.003";
  const { page, errors, context } = await open(browser, `${server.url}?${four}&view3d=-35,30`);
  await page.emulateMedia({ reducedMotion: "reduce" });
  const angle = () => page.evaluate(() => new URL(location.href).searchParams.get("view3d"));
  // Loaded into the relief: the switch is on, the hint says how to turn it.
  assert.equal(await page.locator("#view-3d").getAttribute("aria-pressed"), "true");
  assert.equal(await page.locator("#relief-hint").isVisible(), true);
  assert.equal(await page.locator("#plot-hint").isVisible(), false);
  assert.equal(await angle(), "-35,30,1");
  assert.ok((await inkOf(page, "paths")) > 500, "the paths are drawn on the relief");
  // Each optimizer's colour is on the path layer.
  for (const c of (await colours(page)).slice(0, 3)) assert.ok((await pixelsOf(page, "paths", c)) > 20, c);
  await page.screenshot({ path: join(artifacts, "relief.png") });
  // A drag turns it (yaw and pitch), and changes the picture.
  await page.evaluate(`window.PICTURE = ${PICTURE}`);
  const before = await page.evaluate(() => window.PICTURE("surface"));
  const box = await page.locator("#paths").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width / 2 + 10 * i, box.y + box.height / 2 + 3 * i);
  await page.mouse.up();
  await page.waitForFunction(() => new URL(location.href).searchParams.get("view3d") !== "-35,30,1");
  const [yaw, pitch] = (await angle()).split(",").map(Number);
  assert.ok(Math.abs(yaw - 5) < 1 && Math.abs(pitch - 42) < 1, `${yaw}, ${pitch}`);
  // Dragging changes the picture.
  await page.waitForFunction((before) => window.PICTURE("surface") !== before, before);
  // The start stayed where it was: a drag turns the view, it moves nothing.
  assert.deepEqual(await page.evaluate(() => window.optiviz.getExperiment().start), [-1.5, 2]);
  // The wheel zooms.
  await page.mouse.wheel(0, -200);
  await page.waitForFunction(() => Number(new URL(location.href).searchParams.get("view3d").split(",")[2]) > 1.2);
  // Keys with the focus on the plot: ← turns 5°, + zooms; → turns, and does not step the animation.
  await page.evaluate(() => {
    const scrub = document.getElementById("scrub");
    scrub.value = "100";
    scrub.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await page.locator("#paths").focus();
  const a0 = (await angle()).split(",").map(Number);
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowUp");
  await page.waitForFunction((a0) => new URL(location.href).searchParams.get("view3d") !== a0.join(","), a0);
  const a1 = (await angle()).split(",").map(Number);
  assert.deepEqual([a1[0] - a0[0], a1[1] - a0[1]], [5, 5]);
  assert.equal(await page.locator("#scrub").inputValue(), "100", "the arrow keys turned the view, not the animation");
  await page.keyboard.press("-");
  await page.waitForFunction((z) => Number(new URL(location.href).searchParams.get("view3d").split(",")[2]) < z, a1[2]);
  // Double-click goes back to the first angle (at once: reduced motion).
  await page.locator("#paths").dblclick();
  await page.waitForFunction(() => new URL(location.href).searchParams.get("view3d") === "-35,30,1");
  // The animation plays in relief; the status follows.
  await page.getByRole("button", { name: "Play" }).click();
  await page.waitForFunction(() => document.getElementById("scrub").value === "500", null, { timeout: 30000 });
  assert.match(await page.locator("#legend").textContent(), /step 500/);
  // The SVG download is the relief, with its angle.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download-svg").click()]);
  const svg = await (await import("node:fs/promises")).readFile(await download.path(), "utf8");
  assert.match(svg, /"view3d":\{"pitch":30\.0,"yaw":-35\.0,"zoom":1\.0\}/);
  assert.match(svg, /<image /);
  // The embed code carries the angle, and the embed loads into the relief.
  const embed = `${server.url}?${four}&view3d=60,20,1.5&embed=1`;
  const e = await open(browser, embed);
  assert.equal(await e.page.locator("#view-3d").getAttribute("aria-pressed"), "true");
  assert.equal(new URL(e.page.url()).searchParams.get("view3d"), "60,20,1.5");
  assert.deepEqual(e.errors, []);
  await e.context.close();
  // Off again: the flat map, the link without view3d, a click moves the start again.
  await page.locator("#view-3d").click();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has("view3d"));
  assert.equal(await page.locator("#view-3d").getAttribute("aria-pressed"), "false");
  assert.equal(await page.locator("#plot-hint").isVisible(), true);
  // On with the switch: the first angle.
  await page.locator("#view-3d").click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get("view3d") === "-35,30,1");
  assert.deepEqual(errors, []);
  await context.close();

  // A bad angle in a link is named; the page shows the flat map and the rest of the link.
  const bad = await open(browser, `${server.url}?${four}&view3d=0,120`);
  assert.match(await bad.page.locator("#message").textContent(), /view3d: pitch must be in \[0, 90\]/);
  assert.equal(await bad.page.locator("#view-3d").getAttribute("aria-pressed"), "false");
  assert.equal(await bad.page.evaluate(() => window.optiviz.getExperiment().optimizers.length), 4);
  await bad.context.close();

  // A network's landscape, from the workers, in relief; and a typed function with a hole.
  for (const q of ["fn=mlp&steps=60&o1=adam&o1.lr=0.02&view3d=-35,30", "fn=custom&fn.expr=log(x)%2By%5E2&start=2,2&steps=40&o1=sgd&o1.lr=0.1&view3d=-35,30"]) {
    const n = await open(browser, `${server.url}?${q}`);
    if (q.startsWith("fn=mlp")) {
      await n.page.waitForFunction(() => /samples of the full-data loss\.$/.test(document.getElementById("landscape-status").textContent), null, { timeout: 30000 });
    }
    assert.ok((await inkOf(n.page, "paths")) > 100, `${q}: a path on the relief`);
    assert.equal(await n.page.locator("#view-3d").getAttribute("aria-pressed"), "true");
    assert.deepEqual(n.errors, []);
    await n.context.close();
  }

  // On a phone: the switch is in reach and the relief fits the width.
  const phone = await open(browser, `${server.url}?${four}&view3d=-35,30`, { viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const sw = await phone.page.locator("#view-3d").boundingBox();
  const plot = await phone.page.locator("#paths").boundingBox();
  assert.ok(sw.x >= plot.x && sw.x + sw.width <= plot.x + plot.width && sw.width >= 24 && sw.height >= 24, JSON.stringify(sw));
  assert.ok(plot.width <= 375);
  await phone.page.screenshot({ path: join(artifacts, "relief-phone.png") });
  assert.deepEqual(phone.errors, []);
  await phone.context.close();
});

test("a teacher's link hides parts of the page: hide= applied, a bad part named, carried by Share and Embed", async () => {
  const four = "fn=rosenbrock&start=-1.5,2&steps=100&o1=sgd&o1.lr=0.001&o2=adam&o2.lr=0.05";
  const { page, errors, context } = await open(browser, `${server.url}?${four}&hide=controls,legend,buttons,chart`);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  for (const [sel, shown] of [[".panel", false], ["#legend", false], ["#share", false], [".chart", false], ["#plot", true], ["#play", true]]) {
    assert.equal(await page.locator(sel).first().isVisible(), shown, sel);
  }
  // The plot takes the settings' room.
  const plot = await page.locator("#plot").boundingBox();
  assert.ok(plot.width > 1100, `${plot.width}`);
  assert.equal(new URL(page.url()).searchParams.get("hide"), "controls,legend,buttons,chart");
  // Share and Embed carry it (the buttons are hidden from the reader, not from the page).
  await page.evaluate(() => document.getElementById("embed-button").click());
  const code = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(code, /hide=controls,legend,buttons,chart&amp;embed=1/);
  assert.deepEqual(errors, []);
  await context.close();
  // A bad part is named with what is allowed; the rest is applied.
  const bad = await open(browser, `${server.url}?${four}&hide=legend,toolbar`);
  assert.match(await bad.page.locator("#message").textContent(), /hide: 'toolbar' is not a part of the page; allowed: controls, chart, data, legend, buttons/);
  assert.equal(await bad.page.locator("#legend").isVisible(), false);
  assert.equal(new URL(bad.page.url()).searchParams.get("hide"), "legend");
  await bad.context.close();
});

test("a teacher's link locks parts of the experiment: controls disabled with a note, the plot, keys and setExperiment held to it, carried by Share and Embed", async () => {
  const two = "fn=rosenbrock&start=-1.5,2&steps=100&o1=sgd&o1.lr=0.001&o2=adam&o2.lr=0.05";
  const { page, errors, context } = await open(browser, `${server.url}?${two}&lock=start,steps,view,o1.lr,o2,toolbar`);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  // The bad name is said with what is allowed; the rest is locked.
  assert.match(await page.locator("#message").textContent(), /lock: 'toolbar' is not a part that can be locked; allowed: function, start, steps, view, sampling, optimizers, all, oN/);
  for (const sel of ["#start-x", "#start-y", "#steps", "#window-x0", "#reset-view", "#scenario"]) assert.equal(await page.locator(sel).isDisabled(), true, sel);
  const sgd = page.locator("#optimizers > .card").nth(0);
  const adam = page.locator("#optimizers > .card").nth(1);
  assert.equal(await sgd.locator('[data-setting="lr"] input[type="range"]').isDisabled(), true);
  assert.equal(await sgd.locator('[data-setting="momentum"] input').isDisabled(), false);
  assert.equal(await adam.locator('[data-setting="betas"] input').first().isDisabled(), true);
  // A new function would bring its own start and view: with those locked, it waits too.
  assert.equal(await page.locator("#function").isDisabled(), true);
  assert.equal(await page.locator("#add-name").isDisabled(), false);
  // Each locked place says so.
  assert.ok(await page.locator(".locked-note").count() >= 6);
  assert.equal(await adam.locator("legend .locked-note").textContent(), "locked by this link");
  assert.equal(await page.locator(".pair:has(#start-x) .locked-note").isVisible(), true);
  assert.match(await page.locator("#plot-hint").textContent(), /This link locks the start and the view/);
  // A click on the plot and the wheel change nothing, and say why.
  const before = await page.evaluate(() => optiviz.getExperiment());
  const box = await page.locator("#paths").boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  assert.equal(await page.locator("#notice").textContent(), "The start is locked by this link");
  await page.mouse.move(box.x + 200, box.y + 200);
  await page.mouse.wheel(0, -300);
  await page.locator("#notice").filter({ hasText: /^The view is locked by this link$/ }).waitFor();
  const after = await page.evaluate(() => optiviz.getExperiment());
  assert.deepEqual([after.start, after.view ?? null], [before.start, before.view ?? null]);
  // setExperiment says what is locked; what is free still changes.
  const refused = await page.evaluate(() => optiviz.setExperiment({ ...optiviz.getExperiment(), steps: 20 }));
  assert.deepEqual(refused, { ok: false, error: "steps: is locked by this link", errors: [{ path: "steps", message: "is locked by this link" }] });
  assert.match(await page.locator("#message").textContent(), /setExperiment: Steps: is locked by this link/);
  const free = await page.evaluate(() => { const e = optiviz.getExperiment(); e.optimizers[0].momentum = 0.5; return optiviz.setExperiment(e); });
  assert.deepEqual(free, { ok: true });
  // Playback still works.
  await page.click("#reset");
  await page.click("#step");
  assert.match(await page.locator("#step-out").textContent(), /^step 1 of/);
  // Share and Embed carry the lock (the address written once the edits rest).
  await page.waitForFunction(() => new URL(location.href).searchParams.get("o1.momentum") === "0.5");
  assert.equal(new URL(page.url()).searchParams.get("lock"), "start,steps,view,o2,o1.lr");
  await page.evaluate(() => document.getElementById("embed-button").click());
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /lock=start,steps,view,o2,o1\.lr&amp;embed=1/);
  assert.deepEqual(errors, []);
  await context.close();
  // lock=all: only playback and the view are left.
  const all = await open(browser, `${server.url}?${two}&lock=all`);
  for (const sel of ["#function", "#add", "#add-name", "#steps", "#scenario"]) assert.equal(await all.page.locator(sel).isDisabled(), true, sel);
  assert.equal(await all.page.locator("#optimizers .card input:not(:disabled), #optimizers .card select:not(:disabled), #gradients-body input:not(:disabled)").count(), 0);
  assert.equal(await all.page.locator("#window-x0").isDisabled(), false);
  assert.equal(await all.page.locator("#play").isDisabled(), false);
  assert.equal((await all.page.evaluate(() => optiviz.setExperiment({ ...optiviz.getExperiment(), start: [0, 0] }))).ok, false);
  await all.context.close();
  // A model's rows are the function's: every field of them locked; an
  // optimizer the experiment does not have is named.
  const rows = await open(browser, `${server.url}?fn=linear_regression&steps=20&o1=sgd&o1.lr=0.1&lock=function,o3`);
  assert.match(await rows.page.locator("#message").textContent(), /lock: 'o3': there is 1 optimizer/);
  const dataFields = rows.page.locator('#gradients-body [data-part="function"] input, #gradients-body [data-part="function"] select, #gradients-body [data-part="function"] button:not(.help)');
  assert.ok(await dataFields.count() >= 5);
  assert.equal(await rows.page.locator('#gradients-body [data-part="function"] :is(input, select):not(:disabled)').count(), 0);
  assert.equal(await rows.page.locator('#gradients-body input[type="range"]').last().isDisabled(), false);
  await rows.context.close();
});

test("predict=N hides the paths and asks where the optimizer will be; a click or the arrow keys and Enter guess, then the animation plays and the guess is shown beside the end", async () => {
  const two = "fn=rosenbrock&start=-1.2,1&steps=60&o1=sgd&o1.lr=0.001&o2=adam&o2.lr=0.2";
  const { page, errors } = await open(browser, `${server.url}?${two}&predict=2&speed=200`);
  assert.equal(await page.locator("#quiz-ask").textContent(), "Where will adam lr=0.2 be after 60 steps? Click your guess.");
  assert.match(await page.locator("#step-out").textContent(), /^step 0 of 60/);
  assert.equal(await page.locator("#play").isDisabled(), true);
  // Playback waits for the guess, and says so.
  await page.locator("body").press("Space");
  assert.match(await page.locator("#notice").textContent(), /Answer the question/);
  assert.match(await page.locator("#step-out").textContent(), /^step 0 of 60/);
  // A click is the guess; the animation plays to the end.
  const box = await page.locator("#paths").boundingBox();
  await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.6);
  await page.waitForFunction(() => document.getElementById("quiz-result").textContent.includes("ended at"), null, { timeout: 10000 });
  const end = await page.evaluate(() => optiviz.getRuns().runs[1].points.at(-1));
  const said = await page.locator("#quiz-result").textContent();
  assert.match(said, new RegExp(`adam lr=0\\.2 ended at \\(${Number(end[0].toPrecision(3))}, ${Number(end[1].toPrecision(3))}\\) after 60 steps; your guess \\(.+\\) was [\\d.]+ away, \\d+% of the plot's diagonal`));
  assert.match(await page.locator("#step-out").textContent(), /^step 60 of 60/);
  assert.equal(await page.locator("#quiz-marks .quiz-guess").count(), 1);
  assert.equal(await page.locator("#quiz-marks .quiz-end").count(), 1);
  assert.equal(await page.locator("#quiz-marks line").count(), 1);
  // The question goes with the link.
  assert.equal(new URL(page.url()).searchParams.get("predict"), "2");
  // Again, with the keyboard only: the marker moves from the start, Enter guesses.
  await page.click("#quiz-again");
  assert.match(await page.locator("#step-out").textContent(), /^step 0 of 60/);
  await page.locator("#paths").focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowDown");
  assert.match(await page.locator("#quiz-result").textContent(), /Marker at \(-0\.8, 0\.92\); Enter to make it your guess/);
  assert.equal(await page.locator("#quiz-marks .quiz-marker").count(), 1);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("quiz-result").textContent.includes("ended at"), null, { timeout: 10000 });
  assert.match(await page.locator("#quiz-result").textContent(), /your guess \(-0\.8, 0\.92\)/);
  assert.deepEqual(errors, []);
  await page.context().close();
  // A bad number is named, and the paths are shown as usual.
  const bad = await open(browser, `${server.url}?${two}&predict=5`);
  assert.match(await bad.page.locator("#message").textContent(), /predict: must be the number of an optimizer, 1 to 2, got 5/);
  assert.equal(await bad.page.locator("#quiz").isVisible(), false);
  assert.match(await bad.page.locator("#step-out").textContent(), /^step 60 of 60/);
  await bad.context.close();
});

test("question=…&choices=…&answer=K asks first, keyboard only; the choice is marked right or wrong and announced, then the animation plays", async () => {
  const three = "fn=quadratic&fn.b=10&start=3,2&steps=30&o1=sgd&o1.lr=0.1&o2=sgd&o2.lr=0.19&o3=sgd&o3.lr=0.21&speed=200";
  const q = "question=Which%20learning%20rate%20will%20not%20settle%3F&choices=0.1|0.19|0.21&answer=3";
  const { page, errors } = await open(browser, `${server.url}?${three}&${q}&scenario=x`);
  assert.equal(await page.locator("#quiz-ask").textContent(), "Which learning rate will not settle?");
  assert.deepEqual(await page.locator("#quiz-choices button").allTextContents(), ["0.1", "0.19", "0.21"]);
  assert.match(await page.locator("#step-out").textContent(), /^step 0 of 30/);
  // The scenario's own text would give the answer away: it waits.
  assert.equal(await page.locator("#lesson").evaluate((el) => getComputedStyle(el).visibility), "hidden");
  // Tab to a choice and press Enter: no mouse.
  await page.locator("#quiz-choices button").first().focus();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "0.19");
  await page.keyboard.press("Enter");
  const status = page.locator("#quiz-result");
  assert.equal(await status.getAttribute("role"), "status");
  assert.match(await status.textContent(), /^Not this one: the answer is 0\.21\./);
  assert.equal(await page.locator("#quiz-choices button.wrong").textContent(), "0.19");
  assert.equal(await page.locator("#quiz-choices button.right").textContent(), "0.21");
  await page.waitForFunction(() => /^step 30 of 30/.test(document.getElementById("step-out").textContent), null, { timeout: 10000 });
  // Asked again, the right answer.
  await page.click("#quiz-again");
  await page.locator("#quiz-choices button").nth(2).press("Enter");
  assert.match(await status.textContent(), /^Right: 0\.21\./);
  const url = new URL(page.url()).searchParams;
  assert.deepEqual([url.get("question"), url.get("choices"), url.get("answer")], ["Which learning rate will not settle?", "0.1|0.19|0.21", "3"]);
  // The focus went on from the disabled choice to "Ask me again".
  assert.equal(await page.evaluate(() => document.activeElement.id), "quiz-again");
  // Another scenario: the question was about this experiment, and goes.
  await page.selectOption("#scenario", "valley");
  assert.equal(await page.locator("#quiz").isVisible(), false);
  // The address, written once the edits rest, is the new scenario's (the
  // valley is Rosenbrock's) without the question.
  await page.waitForFunction(() => new URL(location.href).searchParams.get("fn") === "rosenbrock");
  assert.equal(new URL(page.url()).searchParams.get("question"), null);
  // A scenario that asks first; Skip shows the answer and plays.
  await page.selectOption("#scenario", "noise-escape");
  assert.equal(await page.locator("#quiz-ask").textContent(), "Started exactly on the ridge of a saddle, which path leaves it first?");
  assert.match(await page.locator("#step-out").textContent(), /^step 0 of 80/);
  await page.click("#quiz-skip");
  assert.match(await status.textContent(), /^The answer: With noise in each gradient\./);
  await page.waitForFunction(() => /^step 80 of 80/.test(document.getElementById("step-out").textContent), null, { timeout: 10000 });
  assert.equal(await page.locator("#lesson").evaluate((el) => getComputedStyle(el).visibility), "visible");
  assert.deepEqual(errors, []);
  await page.context().close();
  // Each key at fault is named.
  for (const [bad, said] of [
    ["question=Which%3F&choices=a|b&answer=4", /answer: must be the number of the right choice, 1 to 2, got 4/],
    ["question=Which%3F&choices=a&answer=1", /choices: must be 2 to 6 answers separated by \|/],
    ["choices=a|b&answer=1", /question: choices and an answer need the question/],
  ]) {
    const b = await open(browser, `${server.url}?${three}&${bad}`);
    assert.match(await b.page.locator("#message").textContent(), said, bad);
    assert.equal(await b.page.locator("#quiz").isVisible(), false);
    await b.context.close();
  }
});

test("a lesson: picked from the scenarios or linked by lesson=NAME&part=N; Next and Previous, the keys, 'N of 8', each part's question; a lock leaves the lesson free", async () => {
  const { page, errors } = await open(browser, `${server.url}?speed=200`);
  await page.selectOption("#scenario", "lesson:how-optimizers-move");
  assert.equal(await page.locator("#lesson-progress").textContent(), "1 of 8: One gradient step");
  assert.equal(await page.locator("#lesson-prev").isDisabled(), true);
  // Part 1 asks where one step lands.
  assert.equal(await page.locator("#quiz-ask").textContent(), "Where will sgd lr=0.1 be after 1 step? Click your guess.");
  await page.locator("#paths").focus();
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("quiz-result").textContent.includes("ended at (2.7, 1.2)"));
  assert.match(await page.locator("#lesson-reveal").textContent(), /lands at \(2\.7, 1\.2\)/);
  // The address, written once the edits rest, names the lesson and its part.
  await page.waitForFunction(() => new URL(location.href).searchParams.get("lesson") === "how-optimizers-move");
  assert.equal(new URL(page.url()).searchParams.get("part"), "1");
  // N and P (with the focus outside a box), and the buttons.
  await page.locator("body").press("n");
  assert.equal(await page.locator("#lesson-progress").textContent(), "2 of 8: The learning rate and its edge");
  assert.equal(await page.locator("#quiz-ask").textContent(), "Which of these learning rates will not settle?");
  // Answered, and on to the next part while the answer still plays: its own
  // question holds, then plays to its end once answered.
  await page.locator("#quiz-choices button").nth(2).click();
  await page.locator("body").press("n");
  assert.equal(await page.locator("#lesson-progress").textContent(), "3 of 8: Momentum");
  assert.match(await page.locator("#step-out").textContent(), /^step 0 of 40/);
  assert.equal(await page.locator("#lesson-reveal").evaluate((el) => getComputedStyle(el).visibility), "hidden");
  await page.locator("#quiz-choices button").first().click();
  await page.waitForFunction(() => /^step 40 of 40/.test(document.getElementById("step-out").textContent), null, { timeout: 10000 });
  assert.match(await page.locator("#lesson-reveal").textContent(), /Gradient descent, with almost twice the learning rate/);
  await page.locator("body").press("p");
  assert.equal(await page.locator("#lesson-progress").textContent(), "2 of 8: The learning rate and its edge");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("part") === "2");
  // Leaving the lesson shows the paths as usual.
  await page.click("#lesson-leave");
  assert.equal(await page.locator("#lesson-bar").isVisible(), false);
  assert.equal(await page.locator("#quiz").isVisible(), false);
  assert.deepEqual(errors, []);
  await page.context().close();
  // A link to part 8, with everything locked: the lesson still moves on.
  const linked = await open(browser, `${server.url}?lesson=how-optimizers-move&part=8&lock=all`);
  assert.equal(await linked.page.locator("#lesson-progress").textContent(), "8 of 8: Which one to use");
  assert.equal(await linked.page.locator("#lesson-next").isDisabled(), true);
  assert.match(await linked.page.locator("#step-out").textContent(), /^step 0 of 500/);
  await linked.page.click("#lesson-prev");
  assert.equal(await linked.page.locator("#lesson-progress").textContent(), "7 of 8: Clipping");
  assert.equal(await linked.page.locator("#steps").isDisabled(), true);
  assert.equal(await linked.page.locator("#message").isVisible(), false);
  await linked.context.close();
  // A bad part or lesson is named.
  const bad = await open(browser, `${server.url}?lesson=how-optimizers-move&part=12`);
  assert.match(await bad.page.locator("#message").textContent(), /part: must be a whole number from 1 to 8, got 12/);
  assert.equal(await bad.page.locator("#lesson-progress").textContent(), "1 of 8: One gradient step");
  await bad.context.close();
  const none = await open(browser, `${server.url}?lesson=cooking`);
  assert.match(await none.page.locator("#message").textContent(), /lesson: must be 1 .*or a lesson's name \(how-optimizers-move, build-adam\); got cooking/);
  await none.context.close();
});

test("Record GIF: a frame per step encoded in a worker with progress, the page answering meanwhile; the GIF decoded: its frames, size and the path's colour; Cancel stops it and no file comes", async () => {
  const run = "fn=rosenbrock&start=-1.2,1&steps=40&o1=sgd&o1.lr=0.002&o1.color=%23ff0000&o2=adam&o2.lr=0.1";
  const { page, errors } = await open(browser, `${server.url}?${run}`, {}, countWorkerMessages);
  // At 1280 px the exports are on the toolbar: no menu to open.
  assert.equal(await page.locator("#menu-button").isVisible(), false);
  await page.click("#record-gif");
  assert.equal(await page.locator("#gif-panel").isVisible(), true);
  await page.selectOption("#gif-size", "480x360");
  await page.selectOption("#gif-fps", "10");
  const download = page.waitForEvent("download", { timeout: 60000 });
  const recorded = await page.evaluate(() => optiviz.getExperiment());
  await page.click("#gif-run");
  // The page answers while it records; what it draws goes on from the copy taken at the start.
  await page.waitForFunction(() => document.getElementById("gif-progress").value > 0, null, { timeout: 20000 });
  await page.click("#reset");
  assert.match(await page.locator("#step-out").textContent(), /^step 0 of 40/);
  await page.evaluate(() => { const e = optiviz.getExperiment(); e.steps = 10; optiviz.setExperiment(e); });
  const file = await download;
  assert.equal(file.suggestedFilename(), "optiviz.gif");
  assert.match(await page.locator("#gif-status").textContent(), /^Saved optiviz\.gif: 41 frames of 480 × 360 at 10 frames a second \(\d+\.\d\d MB\)\./);
  const bytes = [...(await (await import("node:fs/promises")).readFile(await file.path()))];
  // Decoded by the browser: the frame count, the size, and the path's red
  // growing from the start (frame 0) to its whole length (the last).
  const seen = await page.evaluate(async ([bytes, experiment]) => {
    const decoder = new ImageDecoder({ data: new Uint8Array(bytes), type: "image/gif" });
    await decoder.tracks.ready;
    const count = decoder.tracks.selectedTrack.frameCount;
    const red = async (i) => {
      const { image } = await decoder.decode({ frameIndex: i });
      const c = new OffscreenCanvas(image.displayWidth, image.displayHeight);
      const g = c.getContext("2d");
      g.drawImage(image, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let k = 0; k < d.length; k += 4) if (d[k] === 255 && d[k + 1] === 0 && d[k + 2] === 0) n++;
      const size = [image.displayWidth, image.displayHeight];
      image.close();
      return { n, size };
    };
    // Where SGD's last point is in the figure of that size: its metadata
    // gives the plot's rectangle and window (a figure from the figures'
    // module loaded by the test itself, and runs from an engine of its own,
    // for the experiment as it was recorded).
    const figures = await import(new URL("optiviz-figures.js", location.href).href);
    await figures.default();
    const figure = new figures.Figures(JSON.stringify(experiment), false, undefined);
    const meta = JSON.parse(/<metadata id="optiviz">(.*?)<\/metadata>/.exec(figure.svg(480, 360, 40, false))[1]);
    const B = window.wasmBindings;
    const blank = () => document.createElement("canvas");
    const own = new B.App(blank(), blank(), blank(), blank());
    own.setExperiment(experiment);
    const end = own.runs().runs[0].points.at(-1);
    const px = meta.plot.x + ((end[0] - meta.view.x[0]) / (meta.view.x[1] - meta.view.x[0])) * meta.plot.width;
    const py = meta.plot.y + ((meta.view.y[1] - end[1]) / (meta.view.y[1] - meta.view.y[0])) * meta.plot.height;
    // Reddish pixels (the path's red, its edges blended) within 4 px of it.
    const redNear = async (i) => {
      const { image } = await decoder.decode({ frameIndex: i });
      const c = new OffscreenCanvas(480, 360);
      c.getContext("2d").drawImage(image, 0, 0);
      image.close();
      const near = c.getContext("2d").getImageData(Math.round(px) - 4, Math.round(py) - 4, 9, 9).data;
      let n = 0;
      for (let k = 0; k < near.length; k += 4) if (near[k] > 200 && near[k + 1] < 90 && near[k + 2] < 90) n++;
      return n;
    };
    return { count, first: await red(0), last: await red(count - 1), endAtFirst: await redNear(0), endAtLast: await redNear(count - 1) };
  }, [bytes, recorded]);
  assert.equal(seen.count, 41);
  assert.deepEqual(seen.last.size, [480, 360]);
  assert.ok(seen.last.n > seen.first.n + 100, JSON.stringify(seen));
  // The path's red where its last point is on the last frame, not yet on the first.
  assert.ok(seen.endAtLast >= 10 && seen.endAtFirst === 0, JSON.stringify(seen));
  // (How long the main thread is held meanwhile: make bench-page's GIF row.)
  // Cancel stops a recording under way: its worker, which holds the frames
  // and encodes them, is ended at once, so no file can come of it.
  const files = [];
  page.on("download", (d) => files.push(d.suggestedFilename()));
  await page.evaluate(() => { const e = optiviz.getExperiment(); e.steps = 400; optiviz.setExperiment(e); });
  await page.click("#gif-run");
  await page.waitForFunction(() => document.getElementById("gif-progress").value > 0, null, { timeout: 20000 });
  const workers = await page.evaluate(() => window.workerMessages.length);
  // Every status said from here on.
  await page.evaluate(() => {
    window.gifSaid = [];
    new MutationObserver(() => window.gifSaid.push(document.getElementById("gif-status").textContent)).observe(document.getElementById("gif-status"), { childList: true, characterData: true, subtree: true });
  });
  await page.click("#gif-cancel");
  assert.equal(await page.locator("#gif-status").textContent(), "Cancelled.");
  assert.equal(await page.locator("#gif-run").isVisible(), true);
  assert.equal(await page.locator("#gif-progress").isVisible(), false);
  assert.deepEqual(await page.evaluate(() => window.workerMessages.map((w) => w.terminated)), Array(workers).fill(true), "the recording's worker ended");
  // The next recording's file is the one that comes, and what the status
  // said until then was the cancel and that recording's own progress (of 11
  // frames, not the cancelled one's 401).
  await page.evaluate(() => { const e = optiviz.getExperiment(); e.steps = 10; optiviz.setExperiment(e); });
  const next = page.waitForEvent("download", { timeout: 60000 });
  await page.click("#gif-run");
  await next;
  assert.match(await page.locator("#gif-status").textContent(), /^Saved optiviz\.gif: 11 frames /);
  assert.deepEqual(files, ["optiviz.gif"]);
  const said = await page.evaluate(() => window.gifSaid);
  assert.equal(said[0], "Cancelled.");
  assert.ok(said.slice(1).every((t) => /^Recording: (starting…|frame \d+ of 11…)$|^Saved optiviz\.gif: 11 frames /.test(t)), said.join("\n"));
  assert.deepEqual(errors, []);
});

test("Write your own: added from the menu; an error named by its line and column while the last good rule runs on; fixed; the Adam template on built-in Adam's path, and taken back; a number slid; names checked at their rows; nothing typed lost; the state in the inspector; the link; on a phone too", async () => {
  for (const width of [1280, 375]) {
    const { page, errors, context } = await open(browser, `${server.url}?fn=quadratic&fn.a=0.1&fn.b=10&start=-4,2&steps=100&o1=adam&o1.lr=0.05`, { viewport: { width, height: 900 } });
    assert.deepEqual(await page.locator('#add-name optgroup[label="your own"] option').allTextContents(), ["Write your own"]);
    await page.selectOption("#add-name", "rule");
    await page.click("#add");
    const card = page.locator(".card.optimizer").nth(1);
    assert.equal(await card.getAttribute("aria-label"), "Your own rule");
    const box = card.getByRole("textbox", { name: "Update rule" });
    assert.equal(await box.inputValue(), "theta = theta - lr*g");
    assert.equal(await box.evaluate((el) => el === document.activeElement), true, "ready to type in");
    const exp = () => page.evaluate(() => window.optiviz.getExperiment());
    const points = () => page.evaluate(() => window.optiviz.getRuns().runs[1].points);
    assert.equal((await exp()).optimizers[1].update, "theta = theta - lr*g");
    const gd = await points();
    // An error on line 2: its line and column named, the place marked, the
    // caret sent there; the last good rule stays in force, its path drawn.
    await box.fill("theta = theta - lr*g\ntheta = theta - 0.5*lr*gg");
    const error = card.locator(".rule-error");
    await error.waitFor();
    assert.equal(await error.locator("p").textContent(), "Line 2, column 24: unknown name 'gg'; did you mean 'g'?");
    assert.equal(await error.locator("mark").textContent(), "g");
    assert.equal(await box.getAttribute("aria-invalid"), "true");
    assert.equal(await card.evaluate((c) => c.classList.contains("not-applied")), true);
    assert.equal((await exp()).optimizers[1].update, "theta = theta - lr*g", "the last good rule stays");
    assert.deepEqual(await points(), gd, "and runs");
    assert.match(await card.locator(".rule-math-note").textContent(), /still in force/);
    await error.getByRole("button", { name: "Go to line 2, column 24" }).click();
    assert.deepEqual(await box.evaluate((el) => [el.selectionStart, el.selectionEnd, el === document.activeElement]), [44, 45, true]);
    // Fixed: applied, the error gone, another path, the rule as mathematics.
    await box.fill("theta = theta - lr*g\ntheta = theta - 0.5*lr*g");
    await page.waitForFunction(() => window.optiviz.getExperiment().optimizers[1].update.endsWith("0.5*lr*g"));
    await error.waitFor({ state: "detached" });
    assert.equal(await box.getAttribute("aria-invalid"), null);
    assert.equal(await card.evaluate((c) => c.classList.contains("not-applied")), false);
    assert.notDeepEqual(await points(), gd);
    assert.equal(await card.locator(".rule-math mtr").count(), 2);
    assert.equal(await card.locator(".rule-math-note").textContent(), "");
    // The Adam template: its rule, numbers, state, name and rate; its path
    // on built-in Adam's at the same rate.
    await card.getByRole("combobox", { name: "Template" }).selectOption("adam");
    await page.waitForFunction(() => window.optiviz.getExperiment().optimizers[1].label === "Adam");
    const adam = (await exp()).optimizers[1];
    assert.equal(adam.lr, 0.05);
    assert.deepEqual(adam.hyper, { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    assert.deepEqual(Object.keys(adam.state).sort(), ["d", "m", "s", "v"]);
    assert.equal(await card.getByRole("spinbutton", { name: "Learning rate (exact)" }).inputValue(), "0.05");
    const both = await page.evaluate(() => window.optiviz.getRuns().runs.map((r) => r.points));
    assert.equal(both[1].length, 101);
    // Bit for bit: the template rounds as torch's Adam does.
    both[0].forEach((p, k) => assert.deepEqual(both[1][k], p, `step ${k}: ${both[1][k]} against Adam's ${p}`));
    // What it replaced is taken back by Undo, the rate with it.
    assert.match(await card.locator(".template-note").textContent(), /It takes the steps of the built-in Adam/);
    await card.getByRole("button", { name: "Undo: back to your rule" }).click();
    await page.waitForFunction(() => window.optiviz.getExperiment().optimizers[1].update.endsWith("0.5*lr*g"));
    assert.equal((await exp()).optimizers[1].lr, 0.01);
    assert.equal(await box.inputValue(), "theta = theta - lr*g\ntheta = theta - 0.5*lr*g");
    await card.getByRole("combobox", { name: "Template" }).selectOption("adam");
    await page.waitForFunction(() => window.optiviz.getExperiment().optimizers[1].label === "Adam");
    // A number's slider: beta1 to 0.5, the exact box and the path follow.
    const before = await points();
    await card.getByRole("slider", { name: "Number 1: value" }).fill("0.5");
    await page.waitForFunction(() => window.optiviz.getExperiment().optimizers[1].hyper.beta1 === 0.5);
    assert.equal(await card.getByRole("textbox", { name: "Number 1: value (exact)" }).inputValue(), "0.5");
    assert.notDeepEqual(await points(), before);
    // A name given twice is said at its row, and nothing applied until it is another.
    await card.getByRole("button", { name: "Add a state variable" }).click();
    const fifth = card.getByRole("textbox", { name: "State variable 5: name" });
    assert.equal(await fifth.inputValue(), "u");
    await page.waitForFunction(() => "u" in window.optiviz.getExperiment().optimizers[1].state);
    await fifth.fill("v");
    await card.locator(".field-error", { hasText: "State variable 5: v is declared twice" }).waitFor();
    assert.equal(await fifth.getAttribute("aria-invalid"), "true");
    assert.ok("u" in (await exp()).optimizers[1].state, "the last good names stay");
    await card.getByRole("button", { name: /^Remove state variable 5/ }).click();
    await page.waitForFunction(() => Object.keys(window.optiviz.getExperiment().optimizers[1].state).length === 4);
    assert.equal(await card.locator(".field-error").count(), 0);
    // The inspector: the rule as its card shows it, the numbers, and each
    // state variable before and after the step.
    await page.click("#reset");
    await page.locator("#inspector summary").click();
    const block = page.locator("#inspect-list section").nth(1);
    await block.locator("h3", { hasText: "next: step 1," }).waitFor();
    const lines = () => block.locator("li").evaluateAll((ls) => ls.map((l) => l.getAttribute("aria-label")));
    const first = await lines();
    assert.ok(first.includes("t = 1,  β₁ = 0.5,  β₂ = 0.999,  ε = 1·10⁻⁸"), first.join("\n"));
    assert.ok(first.some((l) => l.startsWith("m ← ") && l.includes(";  θ ← θ − ")), first.join("\n"));
    assert.equal(await block.locator("mtable").count(), 1);
    for (const v of ["m", "v", "s", "d"]) assert.ok(first.some((l) => l.startsWith(`${v}: (0, 0) → (`)), `${v}: ${first.join("\n")}`);
    await page.click("#step");
    await block.locator("h3", { hasText: "next: step 2," }).waitFor();
    const second = await lines();
    assert.ok(second.some((l) => l.startsWith("m: (−0.2, 10) → (")), second.join("\n"));
    // Nothing typed is lost when the cards are built again (a refused
    // edit elsewhere, then a good one, builds every control anew).
    const broken = "m = beta1*m + (1 - beta1)*g\ntheta = theta - lr*m/(";
    await box.fill(broken);
    await error.waitFor();
    const steps = page.locator("#steps");
    await steps.fill("-5");
    await steps.press("Enter");
    await steps.fill("90");
    await steps.press("Enter");
    await page.waitForFunction(() => window.optiviz.getExperiment().steps === 90);
    assert.equal(await box.inputValue(), broken, "kept through the rebuild");
    await error.waitFor();
    assert.match(await error.locator("p").textContent(), /^Line 2, column 23: /);
    await box.fill("m = beta1*m + (1 - beta1)*g\ntheta = theta - lr*m");
    await page.waitForFunction(() => window.optiviz.getExperiment().optimizers[1].update.endsWith("lr*m"));
    // Its name in the legend, and the card's; one too long is said so
    // beside it, and kept as typed.
    const named = card.getByRole("textbox", { name: "Name in the legend" });
    await named.fill("m".repeat(70));
    await card.locator(".field-error", { hasText: "label: must be a name of 1 to 60 characters, got 70 characters" }).waitFor();
    assert.equal(await named.inputValue(), "m".repeat(70));
    assert.equal(await card.evaluate((c) => c.classList.contains("not-applied")), true);
    await named.fill("my momentum");
    await page.waitForFunction(() => /my momentum lr=0\.05/.test(document.getElementById("legend").textContent));
    assert.equal(await card.getAttribute("aria-label"), "my momentum");
    // The link carries the rule: opened, the same runs and the same box.
    await page.waitForFunction(() => new URL(location.href).searchParams.get("o2.label") === "my momentum");
    const link = await page.evaluate(() => window.optiviz.getLink());
    const again = await open(browser, link, { viewport: { width, height: 900 } });
    assert.deepEqual(await again.page.evaluate(() => window.optiviz.getRuns().runs[1].points), await points());
    assert.equal(await again.page.locator(".card.optimizer").nth(1).getByRole("textbox", { name: "Update rule" }).inputValue(), "m = beta1*m + (1 - beta1)*g\ntheta = theta - lr*m");
    assert.deepEqual(again.errors, []);
    await again.context.close();
    // The card fits the screen.
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width);
    const [cardRight, boxRight] = await page.evaluate(() => [".card.optimizer:nth-child(2)", ".card.optimizer:nth-child(2) textarea"].map((s) => document.querySelector(s).getBoundingClientRect().right));
    assert.ok(boxRight <= cardRight, `the box inside its card: ${boxRight} > ${cardRight}`);
    await card.screenshot({ path: join(artifacts, `rule-card-${width}.png`) });
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test("Build Adam yourself: a rule written part by part, checked by running it beside the goal, the verdict saying where the paths part; on a phone too", async () => {
  const { page, errors } = await open(browser, server.url);
  await page.selectOption("#scenario", "lesson:build-adam");
  assert.equal(await page.locator("#lesson-progress").textContent(), "1 of 4: Gradient descent, typed");
  assert.match(await page.locator("#step-out").textContent(), /^step 100 of 100/, "the paths are shown at once");
  assert.equal(await page.locator("#quiz").isVisible(), false);
  const result = page.locator("#lesson-result");
  const check = page.getByRole("button", { name: "Check my rule", exact: true });
  await check.click();
  assert.match(await result.textContent(), /^✓ Your rule follows the goal: all 100 steps land on its path/);
  assert.match(await page.locator("#lesson-reveal").textContent(), /^Typed gradient descent takes torch's SGD steps exactly/);
  // Edit my rule: to the card's box. A changed rule is still the part; its
  // old verdict goes, and the new one says where the paths part.
  await page.getByRole("button", { name: "Edit my rule" }).click();
  const box = page.locator(".card.optimizer").first().getByRole("textbox", { name: "Update rule" });
  assert.equal(await box.evaluate((el) => el === document.activeElement), true);
  await box.fill("theta = theta - 0.9*lr*g");
  await page.waitForFunction(() => window.optiviz.getExperiment().optimizers[0].update === "theta = theta - 0.9*lr*g");
  await page.waitForFunction(() => document.getElementById("lesson-result").textContent === "");
  assert.doesNotMatch(await page.locator("#lesson-text").textContent(), /You changed this part/);
  await check.click();
  assert.match(await result.textContent(), /^Not yet\. Your path leaves the goal's at step 1: yours is at \(-?[\d.]+, -?[\d.]+\), the goal's at \(/);
  // Part 2: the piece to add is m. The check runs what is typed at once.
  await page.click("#lesson-next");
  assert.equal(await page.locator("#lesson-progress").textContent(), "2 of 4: Momentum: the average m");
  assert.equal(await page.locator("#lesson-reveal").textContent(), "");
  await check.click();
  assert.match(await result.textContent(), /^Not yet\. Your path leaves the goal's at step 1: /);
  await box.fill("m = beta1*m + (1 - beta1)*g\ntheta = theta - lr*m");
  await check.click();
  assert.match(await result.textContent(), /^✓ Your rule follows the goal/);
  assert.match(await page.locator("#lesson-reveal").textContent(), /^Averaging cancels the zigzag/);
  assert.equal(await page.evaluate(() => window.optiviz.getExperiment().optimizers[0].update), "m = beta1*m + (1 - beta1)*g\ntheta = theta - lr*m");
  // A box holding an error: the rule in force is checked, and said to be.
  await box.fill("m = beta1*m + (1 - beta1)*g\ntheta = theta - lr*mm");
  await check.click();
  assert.match(await result.textContent(), /^✓ .*Your rule's box holds an error: this is the last rule that read\.$/);
  // The goal is the part's own: another goal's rate is a changed part,
  // and the check still holds the rule to the part's goal.
  await page.locator(".card.optimizer").nth(1).getByRole("spinbutton", { name: "Learning rate (exact)" }).fill("0.05");
  await page.locator(".card.optimizer").nth(1).getByRole("spinbutton", { name: "Learning rate (exact)" }).press("Enter");
  await page.waitForFunction(() => /You changed this part/.test(document.getElementById("lesson-text").textContent));
  await check.click();
  assert.match(await result.textContent(), /^✓ /);
  // Leaving the lesson takes the card's check away.
  assert.equal(await page.getByRole("button", { name: "Check my rule (lesson)" }).count(), 1);
  await page.click("#lesson-leave");
  assert.equal(await page.getByRole("button", { name: "Check my rule (lesson)" }).count(), 0);
  assert.deepEqual(errors, []);
  await page.context().close();
  // Part 4, linked, on a phone: Adam written out lies on torch's Adam.
  const { page: phone, errors: phoneErrors } = await open(browser, `${server.url}?lesson=build-adam&part=4`, { viewport: { width: 375, height: 800 } });
  assert.equal(await phone.locator("#lesson-progress").textContent(), "4 of 4: The bias corrections: Adam");
  const check4 = phone.getByRole("button", { name: "Check my rule", exact: true });
  await check4.click();
  assert.match(await phone.locator("#lesson-result").textContent(), /^Not yet\. Your path leaves the goal's at step 1: /);
  await phone.getByRole("button", { name: "Edit my rule" }).click();
  const phoneBox = phone.locator(".card.optimizer").first().getByRole("textbox", { name: "Update rule" });
  await phoneBox.fill("m = beta1*m + (1 - beta1)*g\nv = beta2*v + (1 - beta2)*g^2\ntheta = theta - lr*(m/(1 - beta1^t))/(sqrt(v/(1 - beta2^t)) + eps)");
  // On a phone the card has the check too, and brings the verdict into view.
  await phone.locator(".card.optimizer").first().getByRole("button", { name: "Check my rule (lesson)" }).click();
  assert.match(await phone.locator("#lesson-result").textContent(), /^✓ Your rule follows the goal: all 100 steps/);
  await phone.waitForFunction(() => {
    const r = document.getElementById("lesson-result").getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight;
  });
  assert.equal(await phone.locator(".card.optimizer").nth(1).getByRole("button", { name: "Check my rule (lesson)" }).count(), 0, "only on the reader's rule");
  assert.match(await phone.locator("#lesson-reveal").textContent(), /^Your rule is Adam/);
  assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth), 375);
  await phone.screenshot({ path: join(artifacts, "lesson-build-adam-375.png"), fullPage: true });
  // The mathematics of a rule missing a correction fails again, at step 1.
  await phoneBox.fill("m = beta1*m + (1 - beta1)*g\nv = beta2*v + (1 - beta2)*g^2\ntheta = theta - lr*(m/(1 - beta1^t))/(sqrt(v) + eps)");
  await check4.click();
  assert.match(await phone.locator("#lesson-result").textContent(), /^Not yet\. Your path leaves the goal's at step 1: /);
  assert.deepEqual(phoneErrors, []);
});
