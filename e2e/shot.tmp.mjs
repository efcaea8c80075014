import { serve, launch, open } from "./harness.mjs";
const { url, close } = await serve();
const browser = await launch();
const shots = process.argv.slice(2);
for (const spec of shots) {
  const [name, q, w] = spec.split("|");
  const { page, errors } = await open(browser, `${url}?${q}`, { viewport: { width: Number(w || 1280), height: 900 } });
  await page.waitForTimeout(1200);
  await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
  console.log(name, "errors:", JSON.stringify(errors), "message:", await page.$eval("#message", (e) => e.hidden ? "" : e.textContent));
}
await browser.close();
await close();
