// @ts-check
// The page's wiring: builds the modules in js/, which build the controls from
// the engine's catalogue, send every edit to the Rust `App` (which owns the
// one experiment and validates it), and redraw. No experiment state is kept here.

import { $ } from "./js/dom.js";
import * as messages from "./js/messages.js";
import * as editing from "./js/edit.js";
import * as draw from "./js/draw.js";
import * as panels from "./js/panels.js";
import * as status from "./js/status.js";
import * as inspector from "./js/inspector.js";
import * as pool from "./js/pool.js";
import * as basins from "./js/basins.js";
import * as sweep from "./js/sweep.js";
import * as landscape from "./js/landscape.js";
import * as url from "./js/url.js";
import * as surface from "./js/controls/surface.js";
import * as gradients from "./js/controls/gradients.js";
import * as optimizers from "./js/controls/optimizers.js";
import * as scenario from "./js/controls/scenario.js";
import * as playback from "./js/playback.js";
import * as plot from "./js/plot.js";
import * as relief from "./js/relief.js";
import * as teaching from "./js/teaching.js";
import * as lock from "./js/lock.js";
import * as quiz from "./js/quiz.js";
import * as lessons from "./js/lessons.js";
import * as layout from "./js/layout.js";
import * as downloads from "./js/downloads.js";
import * as recording from "./js/recording.js";
import * as api from "./js/api.js";
import * as menu from "./js/menu.js";
import { firstFrame } from "./js/first-frame.js";

// The page's HTML opens with the first scenario's lesson; a link to anything
// else must not show it while the engine loads.
scenario.forLink();

/** @param {typeof import("optiviz-wasm")} bindings */
function start(bindings) {
  performance.mark("optiviz-start");
  const { App, catalogue, checkFormula, checkRule } = bindings;
  // The engine's canvases, looked up here once and handed to the modules
  // that size them, listen on them or name what they show.
  const canvases = {
    surface: $("surface", HTMLCanvasElement),
    paths: $("paths", HTMLCanvasElement),
    chart: $("chart", HTMLCanvasElement),
    data: $("data", HTMLCanvasElement),
  };
  const app = new App(canvases.surface, canvases.paths, canvases.chart, canvases.data);
  // What the modules share: the engine, the catalogue (set once the plot is
  // drawn) and each other's interfaces, looked up when they are called. It
  // is a Context once every module below is in it.
  const ctx = /** @type {import("./js/context.js").Context} */ ({ app, App, cat: null, checkFormula, checkRule });
  ctx.url = url.build(ctx); // first: embed=1 restyles the page
  ctx.teaching = teaching.build();
  ctx.lock = lock.build(ctx);
  ctx.messages = messages.build(ctx);
  ctx.edit = editing.build(ctx);
  ctx.draw = draw.build(ctx);
  ctx.panels = panels.build(ctx);
  ctx.status = status.build(ctx);
  ctx.inspector = inspector.build(ctx, canvases.chart);
  ctx.pool = pool.build();
  ctx.basins = basins.build(ctx);
  ctx.sweep = sweep.build(ctx);
  ctx.landscape = landscape.build(ctx);
  ctx.surface = surface.build(ctx);
  ctx.gradients = gradients.build(ctx);
  ctx.cards = optimizers.build(ctx);
  ctx.scenario = scenario.build(ctx);
  // Every control again from the engine's experiment.
  ctx.rebuild = () => {
    ctx.surface.render();
    ctx.gradients.render();
    ctx.cards.render();
    ctx.scenario.show();
    ctx.panels.sync();
  };
  ctx.playback = playback.build(ctx);
  ctx.relief = relief.build(ctx, canvases.paths);
  ctx.quiz = quiz.build(ctx, canvases.paths);
  ctx.lessons = lessons.build(ctx);
  ctx.plot = plot.build(ctx, canvases.paths);
  ctx.layout = layout.build(ctx, canvases);
  ctx.api = api.build(ctx);
  downloads.build(ctx);
  ctx.recording = recording.build(ctx);
  menu.build();
  firstFrame(ctx, catalogue);
}

if (window.wasmBindings) start(window.wasmBindings);
else addEventListener("TrunkApplicationStarted", () => start(window.wasmBindings), { once: true });
