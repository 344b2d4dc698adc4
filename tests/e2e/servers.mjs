// Starting chainctl servers and Chromium for the browser tests and the documentation screenshot.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import { chromium } from "playwright-core";

export const BIN = resolve(process.env.CHAINCTL_BIN ?? "../../build/chainctl");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

const started = [];

// Starts `chainctl ARGS --port 0 -q --json` and resolves with {proc, url}, the URL read from the
// start-up handshake, the JSON object on the first line it prints.
export function serve(args) {
  return new Promise((ok, fail) => {
    const proc = spawn(BIN, [...args, "--port", "0", "-q", "--json"], { stdio: ["ignore", "pipe", "inherit"] });
    started.push(proc);
    proc.on("error", fail);
    proc.on("exit", (code) => fail(new Error(`${args.join(" ")} exited with ${code}`)));
    createInterface({ input: proc.stdout }).once("line", (line) => {
      let url;
      try {
        url = JSON.parse(line).url;
      } catch {
        url = undefined;
      }
      url ? ok({ proc, url }) : fail(new Error(`unexpected first line: ${line}`));
    });
  });
}

export function stopAll() {
  for (const p of started) p.kill("SIGKILL");
}

// Debian's chromium, headless, without the background traffic a closed network refuses.
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export async function post(url, path, body) {
  const r = await fetch(url + path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  return r.status;
}
