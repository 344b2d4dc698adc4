"""Real node processes for the integration tests, on 127.0.0.1 and free ports, always stopped.

    with Network(self) as net:
        a = net.chainctl_node("a")
        b = net.reference_node("ref")
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from harness import BIN, ROOT

SUPPORT = Path(__file__).resolve().parent
# The reference model needs Flask and requests, from Debian's python3-flask and python3-requests.
REFERENCE_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def reference_available():
    probe = subprocess.run([REFERENCE_PYTHON, "-c", "import flask, requests"], capture_output=True)
    return probe.returncode == 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=30):
    """(status, text) of one request; body is JSON-encoded unless it is a str or bytes."""
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and "Content-Type" not in (headers or {}):
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_until(predicate, timeout=10, interval=0.02, message="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


class Node:
    def __init__(self, name, url, proc, log_path):
        self.name, self.url, self.proc, self.log_path = name, url, proc, log_path

    def get(self, path, **kw):
        return http("GET", self.url + path, **kw)

    def post(self, path, body=None, **kw):
        return http("POST", self.url + path, body, **kw)

    def chain(self):
        status, text = self.get("chain")
        assert status == 200, (status, text)
        return json.loads(text)

    def length(self):
        return self.chain()["length"]

    def tip(self):
        return self.chain()["chain"][-1]["hash"]

    def add(self, author, content):
        status, text = self.post("new_transaction", {"author": author, "content": content})
        assert status == 201, (status, text)

    def post_and_mine(self, author, *contents):
        """One block per content, each holding that one post."""
        for content in contents:
            self.add(author, content)
            self.mine()

    def mine(self):
        status, text = self.get("mine", timeout=120)
        assert status == 200, (status, text)
        return text

    def running(self):
        return self.proc.poll() is None

    def kill(self):
        if self.running():
            self.proc.kill()
        self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()

    def stop(self, timeout=20):
        if self.running():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def log(self):
        try:
            return Path(self.log_path).read_text()
        except OSError:
            return ""


class Network:
    """Starts nodes for one test and stops every one of them when the test ends, pass or fail."""

    def __init__(self, test, base_dir):
        self.test = test
        self.base = Path(base_dir)
        self.nodes = []
        test.addCleanup(self.stop_all)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop_all()

    def stop_all(self):
        for node in self.nodes:
            node.kill()
        self.nodes.clear()

    def chainctl_node(self, name, *args, port=0, init_args=(), sync_interval=0):
        repo = self.base / name
        if init_args and not (repo / ".chainctl").exists():
            subprocess.run([BIN, "init", repo, *init_args], check=True, capture_output=True)
        log = self.base / f"{name}.log"
        cmd = [BIN, "node", "serve", "-C", repo, "--host", "127.0.0.1", "--port", str(port),
               "--sync-interval", str(sync_interval), "--peer-timeout", "1", "--json", *args]
        with open(log, "a") as log_file:
            proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=log_file, text=True)
        # The start-up handshake: node serve --json's first line, {"url", "pid", "id", ...}.
        line = proc.stdout.readline()
        try:
            handshake = json.loads(line)
        except ValueError:
            proc.kill()
            raise AssertionError(f"node {name} did not start: {line!r}\n{Path(log).read_text()}")
        node = Node(name, handshake["url"], proc, log)
        node.repo = repo
        node.id = handshake.get("id")
        node.port = int(handshake["url"].rsplit(":", 1)[1].strip("/"))
        self.nodes.append(node)
        return node

    def reference_node(self, name, port=None, data_file=None):
        port = port or free_port()
        log = self.base / f"{name}.log"
        cmd = [REFERENCE_PYTHON, str(SUPPORT / "reference_node.py"), "--port", str(port)]
        if data_file:
            cmd += ["--data-file", str(data_file)]
        with open(log, "a") as log_file:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log_file)
        node = Node(name, f"http://127.0.0.1:{port}/", proc, log)
        node.port = port
        self.nodes.append(node)

        def up():
            try:
                return node.get("chain", timeout=1)[0] == 200
            except OSError:
                if not node.running():
                    raise AssertionError(f"reference node {name} exited:\n{node.log()}")
                return False

        wait_until(up, timeout=20, message=f"reference node {name}")
        return node
