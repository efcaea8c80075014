// @ts-check
// What every module's `build(ctx)` receives: the engine, the catalogue and
// each other module's interface (what its `build` returned), declared once
// here so that a wrong name or a wrong call is caught by `make check-js`.
// app.js fills it in, a module at a time; a module calls another's
// interface only once the page is built, so the order of building matters
// only for what a `build` itself reads.

/**
 * A module's interface: what its `build` returns. Restated member by member
 * so that a misspelt member is an error (in a .js file the type of an object
 * literal is open: any other member would read as undefined, unchecked).
 * @template {(...args: never[]) => object} B
 * @typedef {{ [K in keyof ReturnType<B>]: ReturnType<B>[K] }} Interface
 */

/**
 * @typedef {Object} Context
 * @property {import("optiviz-wasm").App} app The engine: the one experiment, its runs and the canvases it draws.
 * @property {typeof import("optiviz-wasm").App} App Another engine, for a recording's copy of the experiment.
 * @property {ReturnType<typeof import("optiviz-wasm").catalogue> | null} cat Every function, optimizer, schedule, scenario and lesson; null until the plot is drawn.
 * @property {typeof import("optiviz-wasm").checkFormula} checkFormula
 * @property {typeof import("optiviz-wasm").checkRule} checkRule
 * @property {() => void} rebuild Every control again from the engine's experiment.
 * @property {Interface<typeof import("./url.js").build>} url
 * @property {Interface<typeof import("./teaching.js").build>} teaching
 * @property {Interface<typeof import("./lock.js").build>} lock
 * @property {Interface<typeof import("./messages.js").build>} messages
 * @property {ReturnType<typeof import("./edit.js").build>} edit Applies an edit, or refuses it and says why.
 * @property {Interface<typeof import("./draw.js").build>} draw
 * @property {Interface<typeof import("./panels.js").build>} panels
 * @property {Interface<typeof import("./status.js").build>} status
 * @property {Interface<typeof import("./inspector.js").build>} inspector
 * @property {Interface<typeof import("./pool.js").build>} pool
 * @property {Interface<typeof import("./basins.js").build>} basins
 * @property {Interface<typeof import("./sweep.js").build>} sweep
 * @property {Interface<typeof import("./landscape.js").build>} landscape
 * @property {Interface<typeof import("./controls/surface.js").build>} surface
 * @property {Interface<typeof import("./controls/gradients.js").build>} gradients
 * @property {Interface<typeof import("./controls/optimizers.js").build>} cards
 * @property {Interface<typeof import("./controls/scenario.js").build>} scenario
 * @property {Interface<typeof import("./playback.js").build>} playback
 * @property {Interface<typeof import("./relief.js").build>} relief
 * @property {Interface<typeof import("./quiz.js").build>} quiz
 * @property {Interface<typeof import("./lessons.js").build>} lessons
 * @property {Interface<typeof import("./plot.js").build>} plot
 * @property {Interface<typeof import("./layout.js").build>} layout
 * @property {Interface<typeof import("./api.js").build>} api
 * @property {Interface<typeof import("./recording.js").build>} recording
 */

export {};
