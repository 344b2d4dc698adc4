// The page of chainctl ui serve. Everything a user typed is put on the page with textContent,
// never as HTML, and the server's Content-Security-Policy allows no inline script either.
"use strict";

const REFRESH_MS = 3000;
const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function pad(n) { return String(n).padStart(2, "0"); }

function when(seconds) {
  if (typeof seconds !== "number" || !isFinite(seconds)) return { short: "", full: "" };
  const d = new Date(seconds * 1000);
  if (isNaN(d.getTime())) return { short: "", full: "" };
  return { short: `${pad(d.getHours())}:${pad(d.getMinutes())}`, full: d.toLocaleString() };
}

function colorFor(name) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)) % 360;
  return `hsl(${h} 55% 42%)`;
}

function shortHash(hash) { return hash.length > 12 ? hash.slice(0, 12) + "…" : hash; }

function postItem(post, pending) {
  const li = el("li", pending ? "post is-pending" : "post");
  li.dataset.author = post.author;
  const initial = (Array.from(post.author.trim())[0] || "?").toUpperCase();
  const avatar = el("span", "avatar", initial);
  avatar.style.background = colorFor(post.author);
  avatar.setAttribute("aria-hidden", "true");
  const body = el("div", "body");
  const meta = el("div", "meta");
  meta.append(el("span", "author", post.author));
  const t = when(post.timestamp);
  const time = el("time", "time", t.short);
  time.title = t.full;
  if (typeof post.timestamp === "number") time.dateTime = new Date(post.timestamp * 1000).toISOString();
  meta.append(time);
  if (pending) {
    meta.append(el("span", "badge", "pending"));
  } else {
    const block = el("span", "block");
    block.append(`block #${post.block} · `);
    const code = el("code", "", shortHash(post.hash));
    code.title = post.hash;
    block.append(code);
    meta.append(block);
  }
  body.append(meta, el("p", "content", post.content));
  li.append(avatar, body);
  return li;
}

function renderStatus(state) {
  const status = $("status");
  status.replaceChildren();
  $("nodes").textContent = state.nodes.map((n) => `${n.url} ${n.state}`).join(" · ");
  if (!state.node) {
    status.append(el("span", "down", "No node is reachable"), " · tried " + state.nodes.map((n) => n.url).join(", "));
    return;
  }
  status.append("Node ", el("strong", "node-url", state.node), " · ");
  status.append(el("span", state.reachable ? "up" : "down", state.reachable ? "reachable" : "unreachable"));
  status.append(` · height ${state.height} · ${state.peers} ${state.peers === 1 ? "peer" : "peers"}`);
}

function render(state) {
  renderStatus(state);
  $("pending").replaceChildren(...state.pending.map((p) => postItem(p, true)));
  $("pending-section").hidden = state.pending.length === 0;
  $("posts").replaceChildren(...state.posts.map((p) => postItem(p, false)));
  $("empty").hidden = state.posts.length > 0;
}

let refreshing = null;
async function refresh() {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    try {
      const r = await fetch("/api/state", { cache: "no-store" });
      render(await r.json());
    } catch (e) {
      $("status").textContent = "The ui server is not answering.";
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function say(text, kind) {
  const m = $("message");
  m.textContent = text;
  m.className = "message " + kind;
}

async function call(path, body) {
  const r = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept": "application/json" },
    body: JSON.stringify(body || {}),
  });
  let data = {};
  try { data = await r.json(); } catch (e) { data = { error: `HTTP ${r.status}` }; }
  if (!r.ok) throw new Error(data.error || `HTTP ${r.status}`);
  return data;
}

async function busy(button, work) {
  button.disabled = true;
  try { await work(); } finally { button.disabled = false; }
}

$("compose").addEventListener("submit", (event) => {
  event.preventDefault();
  const content = $("content").value;
  const author = $("author").value;
  const missing = [];
  if (!content.trim()) missing.push("content");
  if (!author.trim()) missing.push("author");
  if (missing.length) {
    say(`Please fill in the ${missing.join(" and the ")}.`, "error");
    $(missing[0]).focus();
    return;
  }
  busy($("post"), async () => {
    try {
      const r = await call("/api/post", { author, content });
      $("content").value = "";
      say(`Posted to ${r.node}. It shows as pending until it is mined.`, "info");
    } catch (e) {
      say(`Not posted: ${e.message}`, "error");
    }
    await refresh();
  });
});

$("mine").addEventListener("click", () => busy($("mine"), async () => {
  say("Mining…", "info");
  try {
    const r = await call("/api/mine");
    say(`${r.message} (${r.node})`, "info");
  } catch (e) {
    say(`Not mined: ${e.message}`, "error");
  }
  await refresh();
}));

$("resync").addEventListener("click", () => busy($("resync"), refresh));

refresh();
setInterval(refresh, REFRESH_MS);
