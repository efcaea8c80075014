// Lighthouse against the Trunk-built page on a local server, in Debian's Chromium:
//
//   make lighthouse      (or: trunk build --release && cd e2e && node lighthouse.mjs)
//
// Runs Lighthouse 13.5.0 (fetched by npx) three times with its default mobile
// settings and prints each run's category scores and the median.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "./harness.mjs";

const FLAGS = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync";
const server = await serve();
const scores = [];
try {
  for (let run = 0; run < 3; run++) {
    const dir = mkdtempSync(join(tmpdir(), "optiviz-lh-"));
    const out = join(dir, "report.json");
    // Asynchronously: the page's server runs in this process and must keep answering.
    const child = spawn("npx", ["--yes", "--loglevel=error", "lighthouse@13.5.0", server.url, "--quiet", "--output=json", `--output-path=${out}`,
      `--chrome-flags=${FLAGS} --user-data-dir=${join(dir, "profile")}`],
      { env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH || "/usr/bin/chromium" }, stdio: ["ignore", "inherit", "inherit"] });
    const status = await new Promise((done) => child.on("close", done));
    if (status !== 0) throw new Error(`lighthouse exited with ${status}`);
    const report = JSON.parse(readFileSync(out, "utf8"));
    const s = Object.fromEntries(Object.entries(report.categories).map(([k, v]) => [k, Math.round(v.score * 100)]));
    console.log(`run ${run + 1}:`, JSON.stringify(s));
    scores.push(s);
  }
} finally {
  await server.close();
}
const median = (k) => scores.map((s) => s[k]).sort((a, b) => a - b)[1];
console.log("median:", JSON.stringify(Object.fromEntries(Object.keys(scores[0]).map((k) => [k, median(k)]))));
