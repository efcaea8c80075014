// @ts-check
// The page's Web Workers for the long work (basin maps, sweeps, landscapes):
// one pool of as many workers as engine.js's WORKERS, each with its own
// engine, started when there is work and handed tasks of any kind
// (tasks.js), one at a time, the kinds' jobs taking turns. A job is one
// view's work: its tasks (given at the start, or added as it goes on), its
// progress, and its answers, handed to the view that started it. A newer
// job of a kind cancels the older, and the answers of a cancelled job are
// dropped. Workers with nothing to do go (their engines' memory with them),
// unless a view keeps them for work it expects soon.

import { engineModule, startWorker, WORKERS } from "./engine.js";

/** @typedef {import("./tasks.js").Task} Task */
/** @typedef {import("./tasks.js").Kind} Kind */
/** @typedef {import("./tasks.js").Results} Results */

/**
 * A task as a job holds it: what the worker is sent, its share of the
 * job's work (1 unless said), and whatever else its view keeps with it.
 * @typedef {{ task: Task, weight?: number }} Entry
 */

/**
 * A task of one kind, as its view builds it.
 * @template {Kind} K
 * @typedef {{ task: Extract<Task, { kind: K }>, weight?: number }} EntryOf
 */

/**
 * Why a job stopped: a task's error, or a worker that failed (`worker`).
 * @typedef {{ message: string, worker: boolean }} Failure
 */

/**
 * What a view asks of the pool: its tasks; the job's whole work when more
 * tasks will be added (the sum of the tasks' weights otherwise); what to do
 * with each answer, after the last one, and when the job fails.
 * @template {Entry} E
 * @typedef {Object} Spec
 * @property {E[]} tasks
 * @property {number} [total]
 * @property {(entry: E, result: Results[E["task"]["kind"]]) => void} result
 * @property {() => void} [done]
 * @property {(failure: Failure) => void} failed
 */

/**
 * A job as the view that started it sees it.
 * @template {Entry} E
 * @typedef {Object} Job
 * @property {(tasks: E[]) => void} add More tasks (the next grid).
 * @property {() => void} cancel Stops it: its tasks not yet sent are dropped, and its answers still to come.
 * @property {() => boolean} active Neither finished, failed nor cancelled.
 * @property {() => number} progress The share of its work answered, 0 to 1.
 */

/**
 * A job as the pool holds it.
 * @typedef {Object} Work
 * @property {Kind} kind
 * @property {Entry[]} queue
 * @property {number} sent Tasks on their way or being computed.
 * @property {number} answered The weight answered.
 * @property {number} total
 * @property {Spec<Entry>} spec
 */

/** @typedef {{ worker: Worker, work: Work | null, entry: Entry | null }} Slot */

export function build() {
  /** @type {Slot[]} */
  let slots = [];
  /** @type {Work[]} */
  const jobs = []; // active, oldest first
  /** @type {Set<string>} */
  const kept = new Set();
  /** @type {WebAssembly.Module | null} */
  let module = null;
  // Which job gives the next free worker a task: each in turn.
  let turn = 0;

  const weight = (/** @type {Entry} */ entry) => entry.weight ?? 1;

  /** @param {Work} work */
  function end(work) {
    const i = jobs.indexOf(work);
    if (i >= 0) jobs.splice(i, 1);
  }

  // A job with no task waiting or on its way is done.
  /** @param {Work} work */
  function settle(work) {
    if (!jobs.includes(work) || work.queue.length || work.sent) return;
    end(work);
    work.spec.done?.();
  }

  // No work and nobody expecting any: the workers go.
  function idle() {
    if (jobs.length || kept.size) return;
    for (const slot of slots) slot.worker.terminate();
    slots = [];
  }

  /** The next task, from each job with one in turn. @returns {[Work, Entry] | null} */
  function next() {
    for (let k = 0; k < jobs.length; k++) {
      const work = jobs[(turn + k) % jobs.length];
      if (work.queue.length) {
        turn = (turn + k + 1) % jobs.length;
        return [work, work.queue.shift()];
      }
    }
    return null;
  }

  /** @param {Slot} slot */
  function feed(slot) {
    const picked = next();
    if (!picked) return false;
    const [work, entry] = picked;
    slot.work = work;
    slot.entry = entry;
    work.sent++;
    /** @type {import("./tasks.js").TaskMessage} */
    const message = { urls: window.wasmUrls, module, task: entry.task };
    slot.worker.postMessage(message);
    return true;
  }

  // Every free worker a task, and new workers while tasks wait.
  function dispatch() {
    for (const slot of slots) if (!slot.work && !feed(slot)) return;
    while (slots.length < WORKERS && jobs.some((w) => w.queue.length)) {
      /** @type {Slot} */
      const slot = { worker: startWorker(received, failed), work: null, entry: null };
      slots.push(slot);
      feed(slot);
    }
  }

  /**
   * @param {Worker} worker
   * @param {import("./tasks.js").TaskAnswer} answer
   */
  function received(worker, answer) {
    const slot = slots.find((s) => s.worker === worker);
    if (!slot) return;
    const { work, entry } = slot;
    slot.work = slot.entry = null;
    // A cancelled job's answer: dropped.
    if (work && jobs.includes(work)) {
      work.sent--;
      if ("error" in answer) {
        end(work);
        work.spec.failed({ message: answer.error, worker: false });
      } else {
        work.answered += weight(entry);
        work.spec.result(entry, answer.result);
        // The view may have added tasks, or cancelled the job, meanwhile.
        settle(work);
      }
    }
    dispatch();
    idle();
  }

  // A worker that fails (its script or engine did not load) fails every
  // job: the others would fail the same way.
  /** @param {ErrorEvent} event */
  function failed(event) {
    for (const slot of slots) slot.worker.terminate();
    slots = [];
    const failing = jobs.splice(0);
    for (const work of failing) work.spec.failed({ message: event.message ?? "a worker failed", worker: true });
  }

  /**
   * Starts a job of `kind`, cancelling the one before it.
   * @template {Entry} E
   * @param {E["task"]["kind"]} kind
   * @param {Spec<E>} spec
   * @returns {Job<E>}
   */
  function start(kind, spec) {
    for (const work of jobs.filter((w) => w.kind === kind)) end(work);
    /** @type {Work} */
    const work = {
      kind, spec, queue: [...spec.tasks], sent: 0, answered: 0,
      total: spec.total ?? spec.tasks.reduce((sum, entry) => sum + weight(entry), 0),
    };
    jobs.push(work);
    // The engine's compiled module first, once (the workers load the URL if
    // it cannot be had).
    engineModule().then((m) => { module = m; }, () => {}).then(() => {
      dispatch();
      settle(work);
      idle();
    });
    return {
      add(tasks) {
        work.queue.push(...tasks);
        if (jobs.includes(work)) dispatch();
      },
      cancel() {
        end(work);
        idle();
      },
      active: () => jobs.includes(work),
      progress: () => work.answered / work.total,
    };
  }

  /** Keeps the workers while `owner` expects work soon (or lets them go). */
  function keep(/** @type {string} */ owner, /** @type {boolean} */ on) {
    if (on) kept.add(owner);
    else {
      kept.delete(owner);
      idle();
    }
  }

  return { start, keep, size: WORKERS };
}
