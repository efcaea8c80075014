// @ts-check
// What the page's Web Workers (www/worker.js) are sent and answer, in one
// place for both sides: a task of the long work (a basin map's rows, a
// sweep's learning rates, a landscape's rows), each kind computed by `run`
// in a worker's own engine; and the figures' messages (figures.js).

/** @typedef {typeof import("optiviz-wasm")} Engine */

/**
 * @typedef {{ kind: "basins", experiment: string, grid: number, view: Float64Array, rows: [number, number] }} BasinsTask
 * @typedef {{ kind: "sweep", experiment: string, optimizer: number, lrs: number[] }} SweepTask
 * @typedef {{ kind: "landscape", experiment: string, plane: number[], view: number[], width: number, height: number, rows: [number, number] }} LandscapeTask
 * @typedef {BasinsTask | SweepTask | LandscapeTask} Task
 * @typedef {Task["kind"]} Kind
 */

/**
 * What a task of each kind answers.
 * @typedef {{ basins: ReturnType<Engine["basinRows"]>, sweep: ReturnType<Engine["sweepRuns"]>, landscape: ReturnType<Engine["landscapeRows"]> }} Results
 */

/**
 * Where the engine is, sent with every message: a worker loads it once, from
 * the page's compiled module when there is one (no compiling again there).
 * @typedef {{ urls: { js: string, wasm: string }, module: WebAssembly.Module | null }} Load
 */

/**
 * A task for a worker, and its answer.
 * @typedef {Load & { task: Task }} TaskMessage
 * @typedef {{ result: Results[Kind] } | { error: string }} TaskAnswer
 */

/**
 * The figures' messages (figures.js), each answered in turn: open an
 * experiment's figure (which loads the figures' module, crates/figures, the
 * first time), draw it as SVG, and write a GIF: start (its size, rate,
 * palette frame and exact colours), a frame at a time, then finish.
 * @typedef {{ kind: "open", urls: { js: string, wasm: string }, experiment: string, dark: boolean, angle: number[] | null }
 *   | { kind: "svg", width: number, height: number, step: number | null, chart: boolean }
 *   | { kind: "start", width: number, height: number, fps: number, key: ArrayBuffer, exact: Uint8Array }
 *   | { kind: "frame", rgba: ArrayBuffer } | { kind: "finish" }} FigureStep
 * @typedef {{ figure: FigureStep }} FigureMessage
 * @typedef {{ figure: "opened", steps: number[], colours: Uint8Array } | { figure: "svg", svg: string }
 *   | { figure: "ready" } | { figure: "added" } | { figure: "done", bytes: Uint8Array<ArrayBuffer> }
 *   | { figure: "error", error: string }} FigureAnswer
 */

/**
 * A task computed by the engine.
 * @param {Engine} engine
 * @param {Task} task
 * @returns {Results[Kind]}
 */
export function run(engine, task) {
  switch (task.kind) {
    case "basins": {
      const { experiment, grid, view, rows } = task;
      return engine.basinRows(experiment, grid, view[0], view[1], view[2], view[3], rows[0], rows[1]);
    }
    case "sweep":
      return engine.sweepRuns(task.experiment, task.optimizer, new Float64Array(task.lrs));
    case "landscape": {
      const { experiment, plane, view, width, height, rows } = task;
      return engine.landscapeRows(experiment, new Float64Array(plane), new Float64Array(view), width, height, rows[0], rows[1]);
    }
  }
}
