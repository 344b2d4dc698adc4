#!/usr/bin/env python3
"""A node under abuse, measured: slow clients (slowloris) and blackholed peers.

  slowloris: N connections (default 1,000) each send a request line, then one header line every
             2 seconds, never finishing; meanwhile GET /health is timed 100 times.
  /mine:     latency of GET /mine (one pending transaction each time) with 0, 1 and 8 peers that
             accept connections and never answer.

With --reference-dir (a checkout of the reference node with run_reference.sh beside it), the
reference node runs the same tests (it has no /health: GET /chain is timed instead).
Servers listen on 127.0.0.1 on free ports and are always stopped. Standard library only.

usage: tests/bench/abuse_bench.py [--chainctl build/chainctl] [--slow 1000] [--reference-dir DIR]
"""

import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed_get(url, timeout=10):
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
        return time.perf_counter() - start
    except (OSError, urllib.error.URLError):
        return None


def post(url, body, timeout=30):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read().decode()


def summary(times):
    ok = sorted(t for t in times if t is not None)
    failed = len(times) - len(ok)
    if not ok:
        return f"no answer at all ({failed} timed out)"
    p99 = ok[min(len(ok) - 1, int(len(ok) * 0.99))]
    return (f"median {statistics.median(ok) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
            f"max {ok[-1] * 1000:.1f} ms, {failed} of {len(times)} without an answer in 10 s")


class Servers:
    def __init__(self, chainctl, reference_dir):
        self.chainctl, self.reference_dir = chainctl, reference_dir
        self.procs = []
        self.dir = tempfile.mkdtemp(prefix="abuse-bench-")

    def chainctl_node(self, name):
        proc = subprocess.Popen([self.chainctl, "node", "serve", "-C", os.path.join(self.dir, name), "--port", "0",
                                 "-q", "--json", "--sync-interval", "0"], stdout=subprocess.PIPE, text=True)
        self.procs.append(proc)
        return json.loads(proc.stdout.readline())["url"]

    def reference_node(self):
        port = free_port()
        data = os.path.join(self.dir, f"ref{port}.json")
        open(data, "w").close()
        proc = subprocess.Popen([os.path.join(self.reference_dir, "..", "run_reference.sh"), str(port), data],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.procs.append(proc)
        url = f"http://127.0.0.1:{port}/"
        for _ in range(200):
            if timed_get(url + "chain", 1) is not None:
                return url
            time.sleep(0.1)
        raise RuntimeError("the reference node did not start")

    def stop(self):
        for p in self.procs:
            try:
                os.killpg(p.pid, 9) if p.pid else None
            except OSError:
                pass
            p.kill()
            p.wait()


def slowloris(url, count, probe_path):
    host, port = url.split("//")[1].strip("/").split(":")
    stop = threading.Event()
    opened = []

    async def one():
        # As slowloris does: when the server drops the connection, open another.
        first = True
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection(host, int(port))
            except OSError:
                await asyncio.sleep(0.1)
                continue
            if first:
                opened.append(1)
                first = False
            writer.write(f"GET /{probe_path} HTTP/1.1\r\nHost: x\r\n".encode())
            i = 0
            try:
                while not stop.is_set():
                    await asyncio.sleep(2)
                    writer.write(f"X-Slow-{i}: 1\r\n".encode())
                    await writer.drain()
                    i += 1
                    if reader.at_eof():
                        break
            except (OSError, ConnectionError):
                pass
            writer.close()

    async def main():
        tasks = [asyncio.create_task(one()) for _ in range(count)]
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for t in tasks:
            t.cancel()

    loop_thread = threading.Thread(target=lambda: asyncio.run(main()))
    loop_thread.start()
    time.sleep(3)  # all connections open and dripping
    times = []
    for _ in range(200):  # 20 s: several rounds of the server dropping them and them coming back
        times.append(timed_get(url + probe_path))
        time.sleep(0.1)
    stop.set()
    loop_thread.join()
    return len(opened), times


def silent_peers(n, keep):
    urls = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        keep.append(s)
        urls.append(f"http://127.0.0.1:{s.getsockname()[1]}/")
    return urls


def mine_latency(url, peers, runs=5, timeout=60):
    for p in peers:
        post(url + "register_node", {"node_address": p})
    times = []
    for i in range(runs):
        post(url + "new_transaction", {"author": "bench", "content": f"post {i}"})
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(url + "mine", timeout=timeout) as r:
                r.read()
            times.append(time.perf_counter() - start)
        except (OSError, urllib.error.URLError):
            times.append(None)
            break  # a node that hangs: one is enough to know
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chainctl", default="build/chainctl")
    parser.add_argument("--slow", type=int, default=1000)
    parser.add_argument("--reference-dir")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    servers = Servers(os.path.abspath(args.chainctl), args.reference_dir)
    keep = []
    try:
        kinds = [("chainctl", servers.chainctl_node, "health")]
        if args.reference_dir:
            kinds.append(("reference", lambda name: servers.reference_node(), "chain"))
        for kind, start, probe in kinds:
            url = start("slow")
            base = [timed_get(url + probe) for _ in range(50)]
            print(f"{kind}: GET /{probe}, no other clients:       {summary(base)}")
            opened, times = slowloris(url, args.slow, probe)
            print(f"{kind}: GET /{probe}, {opened} slow clients open: {summary(times)}")
            for n in (0, 1, 8):
                url = start(f"mine{n}")
                times = mine_latency(url, silent_peers(n, keep))
                ok = [t for t in times if t is not None]
                if len(ok) < len(times):
                    print(f"{kind}: GET /mine with {n} blackholed peers:   no answer within 60 s")
                else:
                    print(f"{kind}: GET /mine with {n} blackholed peers:   median {statistics.median(ok) * 1000:.1f} ms "
                          f"(max {max(ok) * 1000:.1f} ms, {len(ok)} blocks)")
    finally:
        servers.stop()
        for s in keep:
            s.close()


if __name__ == "__main__":
    sys.exit(main())
