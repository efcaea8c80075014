// Fills in the page's Content-Security-Policy once Trunk has written it: the
// hashes of the inline start script and the inline style, so that nothing
// else inline may run and no script may call eval. Run by Trunk's post_build
// hook on the staged index.html (or on a path given as the argument).

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const file = process.argv[2] ?? join(process.env.TRUNK_STAGING_DIR ?? "dist", "index.html");
let html = readFileSync(file, "utf8");
const hash = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
const inline = (tag) =>
  [...html.matchAll(new RegExp(`<${tag}(?![^>]*\\bsrc=)[^>]*>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => hash(m[1]));

const scripts = inline("script");
const styles = inline("style");
const policy = [
  "default-src 'none'",
  // WebAssembly is compiled, never eval'd text: 'wasm-unsafe-eval', not 'unsafe-eval'.
  `script-src 'self' 'wasm-unsafe-eval' ${scripts.join(" ")}`.trim(),
  `style-src 'self' ${styles.join(" ")}`.trim(),
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join("; ");
// The placeholder, however a minifier has written its attributes.
const marker = /<meta\b[^>]*\bContent-Security-Policy\b[^>]*>/i;
if (!marker.test(html)) {
  console.error(`csp.mjs: ${file} has no Content-Security-Policy meta element to fill in`);
  process.exit(1);
}
html = html.replace(marker, `<meta http-equiv="Content-Security-Policy" content="${policy}">`);
writeFileSync(file, html);
