"""The CLI over HTTP: --node on every command that takes it, and local commands on a repository
that a node serves go through that node (never a second writer)."""

import json
import signal
import socket
import subprocess
import threading
import time
import unittest

from harness import BIN, ChainctlTestCase, run
from nodes import Network, http


class RemoteCliTest(ChainctlTestCase):
    def test_every_command_with_node(self):
        net = Network(self, self.tmp)
        a = net.chainctl_node("a")
        b = net.chainctl_node("b")
        r = run("tx", "add", "--node", a.url.rstrip("/"), "--author", "alice", "--content", "over http", "--json")
        self.assertEqual(r.code, 0, r)
        stored = r.json()
        self.assertEqual(stored["content"], "over http")
        self.assertIsInstance(stored["timestamp"], float)  # chainctl's node says what it stored
        self.assertEqual(run("tx", "list", "--node", a.url, "--json").json(), [stored])
        r = run("mine", "--node", a.url, "--json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.json()["block"]["transactions"], [stored])
        self.assertIn("hashes_tried", r.json())
        r = run("mine", "--node", a.url)
        self.assertEqual(r.code, 1, r)
        self.assertIn("nothing to mine", r.err)
        self.assertEqual(run("chain", "show", "--node", a.url, "--json").json()["length"], 2)
        self.assertIn("over http", run("chain", "show", "--node", a.url, "--format", "posts").out)
        r = run("peer", "register", "--with", a.url, "--node", b.url)
        self.assertEqual(r.out.strip(), "Registration successful")
        self.assertEqual(run("peer", "list", "--node", b.url).out.split()[0], a.url)
        peers = run("peer", "list", "--node", a.url, "--json").json()
        self.assertEqual([p["url"] for p in peers], [b.url])
        r = run("peer", "add", "http://10.1.2.3:8000", "--node", a.url, "--json")
        self.assertEqual(sorted(r.json()["peers"]), sorted([b.url, "http://10.1.2.3:8000/"]))

    def test_an_unreachable_node_is_one_clear_line(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        for args in (["tx", "list"], ["mine"], ["chain", "show"], ["peer", "list"],
                     ["tx", "add", "--author", "a", "--content", "c"], ["peer", "register", "--with", "http://x:1/"]):
            with self.subTest(args=args):
                r = run(*args, "--node", f"http://127.0.0.1:{port}")
                self.assertEqual(r.code, 1, r)
                self.assertEqual(r.err, f"chainctl: error: cannot reach http://127.0.0.1:{port}/: connection refused\n")
        r = run("tx", "list", "--node", "http://no-such-host.invalid:8000")
        self.assertEqual(r.err, "chainctl: error: cannot reach http://no-such-host.invalid:8000/: unknown host no-such-host.invalid\n")
        # Where no route leads to the host (a network namespace with only its loopback), it says so
        # instead of waiting out the connect timeout (which would say "no connection within").
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
        if probe.returncode == 0:
            r = subprocess.run(["unshare", "-n", BIN, "tx", "list", "--node", "http://10.0.0.1:8000"],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 1, r)
            self.assertEqual(r.stderr, "chainctl: error: cannot reach http://10.0.0.1:8000/: network is unreachable\n")
        r = run("tx", "list", "--node", "127.0.0.1:8000")
        self.assertEqual(r.code, 2)  # a malformed value is a usage error (issue 9)
        self.assertIn("must be an http or https URL", r.err)

    def test_local_commands_go_through_the_node_that_serves_the_repository(self):
        net = Network(self, self.tmp)
        node = net.chainctl_node("n")
        repo = node.repo
        r = run("tx", "add", "-C", repo, "--author", "local", "--content", "via the node", "--json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual([t["content"] for t in json.loads(node.get("pending_tx")[1])], ["via the node"])
        r = run("mine", "-C", repo, "--json")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(node.length(), 2)  # the node mined it, and holds it
        self.assertEqual(run("chain", "show", "-C", repo, "--json").json()["chain"], node.chain()["chain"])
        self.assertEqual(run("verify", "-C", repo).code, 0)
        r = run("peer", "add", "http://127.0.0.1:9/", "-C", repo)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(json.loads(node.get("peers")[1]), ["http://127.0.0.1:9/"])
        # After the node stops, the same commands work on the files.
        node.stop()
        self.assertEqual(run("tx", "add", "-C", repo, "--author", "a", "--content", "offline").code, 0)
        self.assertEqual(len(run("tx", "list", "-C", repo, "--json").json()), 1)

    def test_servers_say_where_they_listen_in_json(self):
        import subprocess
        from harness import BIN
        repo = self.tmp / "n"
        node = subprocess.Popen([BIN, "node", "serve", "-C", repo, "--port", "0", "--json", "-q"],
                                stdout=subprocess.PIPE, text=True)
        self.addCleanup(node.kill)
        first = json.loads(node.stdout.readline())
        # The start-up handshake other programs rely on: where it listens, which process it is
        # (pid and start time find it again), and its id for this run.
        self.assertEqual(set(first), {"url", "pid", "start_time", "id", "repository", "length", "pending", "peers"})
        self.assertEqual(first["pid"], node.pid)
        self.assertRegex(first["id"], "^[0-9a-f]{16}$")
        marker = json.loads((repo / ".chainctl" / "node.json").read_text())
        self.assertEqual({k: marker[k] for k in ("url", "pid", "id", "start_time")},
                         {k: first[k] for k in ("url", "pid", "id", "start_time")})
        ui = subprocess.Popen([BIN, "ui", "serve", "--node", first["url"], "--port", "0", "--json", "-q"],
                              stdout=subprocess.PIPE, text=True)
        self.addCleanup(ui.kill)
        self.assertEqual(json.loads(ui.stdout.readline())["nodes"], [first["url"]])
        node.terminate()
        self.assertEqual(node.wait(timeout=20), 0)
        node.stdout.close()
        ui.terminate()
        self.assertEqual(ui.wait(timeout=20), 0)
        ui.stdout.close()

    def test_peer_register_needs_a_node(self):
        repo = self.init_repo()
        r = self.fails(1, "peer", "register", "--with", "http://127.0.0.1:1/", "-C", repo)
        self.assertOneLineError(r, "peer register needs a running node")
        r = self.fails(2, "peer", "register", "-C", repo)
        self.assertOneLineError(r, "--with")


class StopSignalTest(ChainctlTestCase):
    """One way to stop for every command: Ctrl-C or SIGTERM ends a wait on a node at once."""

    def silent_node(self):
        # Accepts connections and never answers, as a hung or blackholed host does.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        self.addCleanup(silent.close)
        return f"http://127.0.0.1:{silent.getsockname()[1]}/"

    def interrupt(self, args, sig):
        proc = subprocess.Popen([BIN, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                cwd=self.tmp)
        self.addCleanup(proc.kill)
        time.sleep(0.5)
        self.assertIsNone(proc.poll(), "the command ended before the signal")
        proc.send_signal(sig)
        start = time.time()
        out, err = proc.communicate(timeout=10)
        return proc.returncode, time.time() - start, out, err

    def test_mine_and_tx_add_on_a_silent_node_stop_at_once(self):
        url = self.silent_node()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(command="mine", signal=sig):
                code, took, out, err = self.interrupt(["mine", "--node", url], sig)
                self.assertEqual(code, 130, err)
                self.assertLess(took, 2)
                self.assertEqual(len(err.splitlines()), 1, err)
                self.assertIn("the node may still add the block", err)
            with self.subTest(command="tx add", signal=sig):
                code, took, out, err = self.interrupt(
                    ["tx", "add", "--node", url, "--author", "a", "--content", "b"], sig)
                self.assertEqual(code, 130, err)
                self.assertLess(took, 2)
                self.assertEqual(err.splitlines(), [f"chainctl: error: interrupted while waiting for {url}; "
                                                    "the node may still carry out the request"])

    def test_ui_serve_stops_at_once_while_waiting_on_a_hung_node(self):
        url = self.silent_node()
        ui = subprocess.Popen([BIN, "ui", "serve", "--node", url, "--port", "0", "--json", "-q"],
                              stdout=subprocess.PIPE, text=True)
        self.addCleanup(ui.kill)
        page = json.loads(ui.stdout.readline())["url"]
        waiting = threading.Thread(target=lambda: http("POST", page + "api/mine", {}, timeout=30))
        waiting.start()
        self.addCleanup(waiting.join)
        time.sleep(0.5)
        start = time.time()
        ui.terminate()
        self.assertEqual(ui.wait(timeout=20), 0)
        self.assertLess(time.time() - start, 3)
        ui.stdout.close()

    def test_a_node_with_an_event_reader_stops_at_once(self):
        net = Network(self, self.tmp)
        node = net.chainctl_node("n")
        reader = socket.create_connection(("127.0.0.1", node.port))
        self.addCleanup(reader.close)
        reader.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        reader.settimeout(5)
        # The head and the first event may come in separate segments: read until the event.
        got = b""
        while b"event: hello" not in got:
            chunk = reader.recv(4096)
            self.assertTrue(chunk, "the stream ended before its first event: %r" % got)
            got += chunk
        start = time.time()
        self.assertEqual(node.stop(), 0)
        self.assertLess(time.time() - start, 2)

    def test_a_command_with_nothing_to_stop_cleanly_ends_by_the_signal(self):
        # verify reading a pipe that never ends: no clean way to stop, so the signal ends it.
        code, took, out, err = self.interrupt(["verify", "-"], signal.SIGINT)
        self.assertEqual(code, -signal.SIGINT)
        self.assertLess(took, 2)

    def test_ui_serve_on_ipv6_prints_a_bracketed_url(self):
        probe = socket.socket(socket.AF_INET6)
        try:
            probe.bind(("::1", 0))
        except OSError:
            self.skipTest("no IPv6 loopback here")
        finally:
            probe.close()
        net = Network(self, self.tmp)
        node = net.chainctl_node("n")
        for extra in ([], ["--json"]):
            ui = subprocess.Popen([BIN, "ui", "serve", "--node", node.url, "--host", "::1", "--port", "0", "-q",
                                   *extra], stdout=subprocess.PIPE, text=True)
            self.addCleanup(ui.kill)
            line = ui.stdout.readline()
            url = json.loads(line)["url"] if extra else line.split(" at ")[1].split(" ")[0]
            self.assertRegex(url, r"^http://\[::1\]:\d+/$")
            status, text = http("GET", url + "api/state")
            self.assertEqual(status, 200, text)
            self.assertEqual(json.loads(text)["height"], 1)
            ui.terminate()
            self.assertEqual(ui.wait(timeout=20), 0)
            ui.stdout.close()


if __name__ == "__main__":
    unittest.main()
