// chainctl ui serve in a real browser: Debian's headless Chromium, driven by playwright-core.
// Starts two chainctl nodes and the ui on free loopback ports, and always stops them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { launchBrowser, post, serve, stopAll } from "./servers.mjs";

const ARTIFACTS = resolve(process.env.E2E_ARTIFACTS ?? "artifacts");

async function json(url, options) {
  const r = await fetch(url, options);
  return r.json();
}

describe("chainctl ui serve", () => {
  let dir, a, b, ui, browser, page;
  const dialogs = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "chainctl-e2e-"));
    mkdirSync(ARTIFACTS, { recursive: true });
    a = await serve(["node", "serve", "-C", join(dir, "a"), "--sync-interval", "0"]);
    b = await serve(["node", "serve", "-C", join(dir, "b"), "--sync-interval", "0"]);
    await post(b.url, "register_with", { node_address: a.url });
    ui = await serve(["ui", "serve", "--node", a.url, "--node", b.url, "--node-timeout", "0.5"]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on("dialog", async (d) => { dialogs.push(d.message()); await d.dismiss(); });
    await page.goto(ui.url);
    await page.waitForSelector(".node-url");
  });

  after(async () => {
    await browser?.close();
    stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the status line names the node, the height and the peers", async () => {
    assert.equal(await page.textContent("#nodes"), `${a.url} up · ${b.url} not tried yet`);
    const status = await page.textContent("#status");
    assert.match(status, new RegExp(`Node ${a.url.replace(/[/.]/g, "\\$&")}`));
    assert.match(status, /reachable · height 1 · 1 peer/);
  });

  test("posting and mining show the post with its author, content and block", async () => {
    await page.fill("#content", "Hello, chain!\nA second line");
    await page.fill("#author", "Alice");
    await page.click("#post");
    await page.waitForSelector("#pending .post");
    assert.match(await page.textContent("#message"), /Posted to/);
    assert.equal(await page.textContent("#pending .badge"), "pending");
    await page.click("#mine");
    await page.waitForFunction(() => document.querySelector("#message").textContent.includes("is mined"));
    assert.match(await page.textContent("#message"), /Block #1 is mined\./);
    await page.waitForSelector("#posts .post");
    const chain = await json(a.url + "chain");
    const post = page.locator("#posts .post").first();
    assert.equal(await post.locator(".author").textContent(), "Alice");
    assert.equal(await post.locator(".avatar").textContent(), "A");
    assert.equal(await post.locator(".content").textContent(), "Hello, chain!\nA second line");
    assert.equal(await post.locator(".content").evaluate((e) => getComputedStyle(e).whiteSpace), "pre-wrap");
    const block = await post.locator(".block").textContent();
    assert.match(block, /^block #1 · /);
    assert.ok(block.includes(chain.chain[1].hash.slice(0, 12)), "the block's own hash, shortened");
    assert.equal(await post.locator(".block code").getAttribute("title"), chain.chain[1].hash);
    assert.match(await post.locator("time").textContent(), /^\d\d:\d\d$/);
    assert.ok((await post.locator("time").getAttribute("title")).length > 8, "full date on hover");
    assert.equal(await page.isHidden("#pending-section"), true);
  });

  test("an empty post gets a visible message and sends nothing", async () => {
    const before = (await json(a.url + "pending_tx")).length;
    await page.fill("#content", "   ");
    await page.fill("#author", "Bob");
    await page.click("#post");
    assert.equal(await page.textContent("#message"), "Please fill in the content.");
    assert.ok(await page.isVisible("#message"));
    assert.equal(await page.evaluate(() => document.activeElement.id), "content");
    await page.fill("#content", "");
    await page.fill("#author", "");
    await page.click("#post");
    assert.equal(await page.textContent("#message"), "Please fill in the content and the author.");
    assert.equal((await json(a.url + "pending_tx")).length, before);
  });

  test("what users type is shown as text and never runs", async () => {
    const payloads = ["<script>alert(1)</script>", '<img src=x onerror="alert(2)">'];
    for (const content of payloads) {
      await page.fill("#content", content);
      await page.fill("#author", "<b>mallory</b>");
      await page.click("#post");
      await page.waitForFunction(() => document.querySelector("#message").textContent.startsWith("Posted"));
    }
    await page.click("#mine");
    await page.waitForFunction(() => document.querySelectorAll("#posts .post").length === 3);
    const contents = await page.locator("#posts .content").allTextContents();
    for (const content of payloads) assert.ok(contents.includes(content), `shown as text: ${content}`);
    assert.equal(await page.locator("#posts img, #posts script, #posts b").count(), 0);
    assert.equal(await page.locator("#posts .author").first().textContent(), "<b>mallory</b>");
    await page.waitForTimeout(300);
    assert.deepEqual(dialogs, []);
    const response = await page.request.get(ui.url);
    assert.match(response.headers()["content-security-policy"], /script-src 'self'/);
  });

  test("the page refreshes by itself without losing what is being typed", async () => {
    await page.fill("#content", "half-written thought");
    await page.fill("#author", "Dora");
    await post(a.url, "new_transaction", { author: "Eve", content: "posted elsewhere" });
    await page.waitForSelector("#pending .post", { timeout: 8000 });
    assert.equal(await page.inputValue("#content"), "half-written thought");
    assert.equal(await page.inputValue("#author"), "Dora");
    assert.equal(await page.locator("#pending .author").first().textContent(), "Eve");
    await page.click("#resync");
    await page.fill("#content", "");
  });

  test("it works with the keyboard alone, with a visible focus", async () => {
    await page.goto(ui.url);
    await page.waitForSelector(".node-url");
    const order = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press("Tab");
      order.push(await page.evaluate(() => document.activeElement.id));
    }
    assert.deepEqual(order, ["content", "author", "post", "mine", "resync"]);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, "none");
    assert.equal(await page.getAttribute("label[for=content]", "for"), "content");
    assert.equal(await page.getAttribute("label[for=author]", "for"), "author");
  });

  test("it fits a phone's screen", async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2 });
    await phone.goto(ui.url);
    await phone.waitForSelector("#posts .post");
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
    await phone.screenshot({ path: join(ARTIFACTS, "ui-phone.png"), fullPage: true });
    await phone.close();
  });

  test("when the first node dies, it fails over to the next without a restart", async () => {
    a.proc.kill("SIGKILL");
    await page.fill("#content", "posted after node A died");
    await page.fill("#author", "Frank");
    await page.click("#post");
    await page.waitForFunction(() => document.querySelector("#message").textContent.startsWith("Posted"));
    assert.match(await page.textContent("#message"), new RegExp(`Posted to ${b.url.replace(/[/.]/g, "\\$&")}`));
    await page.click("#mine");
    await page.waitForFunction(() => document.querySelector("#message").textContent.includes("is mined"));
    await page.click("#resync");
    await page.waitForFunction((url) => document.querySelector(".node-url")?.textContent === url, b.url);
    await page.waitForFunction(() => [...document.querySelectorAll("#posts .author")].some((e) => e.textContent === "Frank"));
    const first = page.locator("#posts .post").first();
    assert.equal(await first.locator(".content").textContent(), "posted after node A died");
    assert.equal(await page.textContent("#nodes"), `${a.url} down · ${b.url} up`);
    await page.screenshot({ path: join(ARTIFACTS, "ui.png"), fullPage: true });
  });
});
