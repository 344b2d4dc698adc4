// Makes the README's picture of the page: a node with a few posts, one pending, through
// chainctl ui serve, in Debian's headless Chromium.
// usage: node screenshot.mjs OUTPUT.png
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, post, serve, stopAll } from "./servers.mjs";

const output = process.argv[2] ?? "ui-screenshot.png";
const dir = mkdtempSync(join(tmpdir(), "chainctl-shot-"));
try {
  const a = await serve(["node", "serve", "-C", join(dir, "a")]);
  const b = await serve(["node", "serve", "-C", join(dir, "b")]);
  await post(b.url, "register_with", { node_address: a.url });
  const posts = [
    ["Ada", "Just registered node 8001 with 8000 — both show the same chain now."],
    ["Linus", "Killed node 8000 mid-lab. The page moved to 8001 by itself."],
    ["Grace", "Reminder for Tuesday:\n1. start three nodes\n2. register them\n3. fork one on purpose"],
  ];
  for (const [author, content] of posts) {
    await post(a.url, "new_transaction", { author, content });
    await fetch(a.url + "mine");
    await new Promise((r) => setTimeout(r, 1100));
  }
  await post(a.url, "new_transaction", { author: "Edsger", content: "Is this one in a block yet?" });
  const ui = await serve(["ui", "serve", "--node", a.url, "--node", b.url]);
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
  await page.goto(ui.url);
  await page.waitForSelector("#posts .post");
  await page.fill("#author", "Barbara");
  await page.evaluate(() => document.activeElement.blur());
  await page.screenshot({ path: output, fullPage: true });
  await browser.close();
  console.log(`wrote ${output}`);
} finally {
  stopAll();
  rmSync(dir, { recursive: true, force: true });
}
