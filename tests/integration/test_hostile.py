"""Hostile input and hostile peers: the twelve defects of an adversarial pass, one test each.

Some need root (a tmpfs for the full disk; dropping privileges for the read-only repository and
the thread limit, since root ignores both); CI runs as root, elsewhere they say why and skip."""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import unittest
from hashlib import sha256
from pathlib import Path

from fake_peers import FakePeer
from harness import BIN, VECTORS, ChainctlTestCase, run
from nodes import Network, free_port, http, wait_until
from reference_model import compute_hash

G = {"index": 0, "transactions": [], "timestamp": 0, "previous_hash": "0", "nonce": 0,
     "hash": "6dbf23122cb5046cc5c0c1b245c75f8e43c59ca8ffeac292715e5078e631d0c9"}
SIXTEEN_THEN_REPEAT = ('{"author":"a","content":"b","k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,'
                       '"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"d":1,"d":2}')


def root():
    return os.geteuid() == 0


def as_nobody(*cmd, limits=()):
    """A command run as the user nobody (root ignores permissions and process limits)."""
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if limits:
        prefix = ["prlimit", *limits, "--"] + prefix
    return [*prefix, *map(str, cmd)]


def mine_in_python(index, previous, transactions_text, timestamp=1795279524.5, difficulty=2):
    """A block mined the reference's way; transactions_text is raw JSON (it may repeat keys)."""
    fields = {"index": index, "transactions": json.loads(transactions_text), "timestamp": timestamp,
              "previous_hash": previous, "nonce": 0}
    while True:
        h = compute_hash(fields)
        if h.startswith("0" * difficulty):
            break
        fields["nonce"] += 1
    text = ('{"index": %d, "transactions": %s, "timestamp": %r, "previous_hash": "%s", "nonce": %d, "hash": "%s"}'
            % (index, transactions_text, timestamp, previous, fields["nonce"], h))
    return text, h


class WrongAnswersTest(ChainctlTestCase):
    def test_1_a_repeated_key_in_a_large_transaction_hashes_as_python_does(self):
        repo = self.init_repo()
        self.ok("tx", "add", "-", cwd=repo, stdin=SIXTEEN_THEN_REPEAT)
        self.ok("mine", cwd=repo)
        self.ok("verify", cwd=repo)
        doc = json.loads((repo / "chain.json").read_text())  # Python keeps the last "d"
        block = doc["chain"][1]
        self.assertEqual(block["transactions"][0]["d"], 2)
        self.assertEqual(compute_hash(block), block["hash"])
        # The other way round: a block mined in Python over the same text is accepted.
        net = Network(self, self.tmp)
        node = net.chainctl_node("n")
        text, h = mine_in_python(1, G["hash"], "[" + SIXTEEN_THEN_REPEAT + "]")
        status, answer = node.post("add_block", text)
        self.assertEqual(status, 201, answer)
        self.assertEqual(node.tip(), h)

    def test_2_a_repeated_chain_member_counts_once_the_last(self):
        small = json.loads((VECTORS / "chains" / "valid-small.json").read_text())
        empty_last = self.tmp / "empty-last.json"
        empty_last.write_text('{"length": 1, "chain": [%s], "chain": [], "peers": []}' % json.dumps(G))
        r = self.rejects("verify", empty_last)
        self.assertIn("no genesis block", r.out)
        both = self.tmp / "both.json"
        both.write_text('{"length": 1, "chain": %s, "chain": [%s], "peers": []}'
                        % (json.dumps(small["chain"]), json.dumps(G)))
        r = self.ok("verify", "--json", both)
        self.assertEqual(r.json()["files"][0]["blocks"], 1)  # as json.load sees it
        self.assertEqual(self.ok("chain", "show", "--json", both).json()["length"], 1)
        self.assertEqual(len(json.loads(both.read_text())["chain"]), 1)
        # Repeated block fields too: the last value counts, as in Python.
        block = small["chain"][1]
        repeated = '{"index": 7, ' + json.dumps(block)[1:]
        f = self.tmp / "repeated-field.json"
        f.write_text('{"length": 2, "chain": [%s, %s], "peers": []}' % (json.dumps(small["chain"][0]), repeated))
        self.ok("verify", f)


class CrashesTest(ChainctlTestCase):
    def test_3_ui_serve_survives_a_node_that_sends_blocks_without_an_index(self):
        bad = FakePeer(routes={"/chain": '{"length":1,"chain":[{"transactions":[{"author":"a","content":"b"}]}],"peers":[]}',
                               "/pending_tx": "[]"})
        self.addCleanup(bad.close)
        ui = subprocess.Popen([BIN, "ui", "serve", "--node", bad.url, "--port", "0", "--json", "-q"],
                              stdout=subprocess.PIPE, text=True)
        self.addCleanup(ui.kill)
        page = json.loads(ui.stdout.readline())["url"]
        status, text = http("GET", page + "api/state")
        self.assertEqual(status, 200, text)
        self.assertEqual(json.loads(text)["posts"][0]["content"], "b")
        self.assertIsNone(ui.poll())
        ui.terminate()
        self.assertEqual(ui.wait(timeout=20), 0)
        ui.stdout.close()

    def test_4_thousands_of_peers_under_a_thread_limit_do_not_abort_the_node(self):
        if not root() or not shutil.which("setpriv") or not shutil.which("prlimit"):
            self.skipTest("needs root, setpriv and prlimit to run a node under a process limit")
        # 2,000 peers that refuse connections, listed by a fake node this one registers with.
        peers = [f"http://127.0.0.1:{p}/" for p in range(20001, 22001)]
        fake = FakePeer(json.dumps({"length": 1, "chain": [G], "peers": peers}))
        self.addCleanup(fake.close)
        repo = self.tmp / "n"
        repo.mkdir()
        os.chmod(self.tmp, 0o777)
        os.chmod(repo, 0o777)
        log = open(self.tmp / "n.log", "w")
        self.addCleanup(log.close)
        proc = subprocess.Popen(as_nobody(BIN, "node", "serve", "-C", repo, "--port", "0", "--json",
                                          "--max-peers", "5000", "--max-peers-per-host", "5000",
                                          "--sync-interval", "0", "--probe-interval", "0", "--peer-timeout", "1",
                                          limits=["--nproc=400:400"]),
                                stdout=subprocess.PIPE, stderr=log, text=True)
        self.addCleanup(proc.kill)
        url = json.loads(proc.stdout.readline())["url"]
        status, text = http("POST", url + "register_with", {"node_address": fake.url})
        self.assertEqual(status, 200, text)
        self.assertEqual(len(json.loads(http("GET", url + "peers")[1])), 2001)
        # A block ahead of the tip: a sync round asks every peer, a few at a time.
        small = json.loads((VECTORS / "chains" / "valid-small.json").read_text())
        status, text = http("POST", url + "add_block", json.dumps(small["chain"][3]))
        self.assertEqual(status, 202, text)
        time.sleep(3)
        self.assertIsNone(proc.poll(), (self.tmp / "n.log").read_text()[-2000:])
        self.assertEqual(http("GET", url + "health")[0], 200)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=30), 0)
        proc.stdout.close()


class AmplificationTest(ChainctlTestCase):
    def setUp(self):
        super().setUp()
        self.net = Network(self, self.tmp)

    def test_5_a_forged_host_header_does_not_cut_a_node_off_from_its_peer(self):
        a = self.net.chainctl_node("a")
        b = self.net.chainctl_node("b")
        self.assertEqual(b.post("register_with", {"node_address": a.url})[0], 200)
        status, text = http("POST", a.url + "register_node", {"node_address": "http://127.0.0.1:1/"},
                            headers={"Host": f"127.0.0.1:{b.port}", "Content-Type": "application/json"})
        self.assertEqual(status, 200, text)
        a.post_and_mine("alice", "still reaches b")
        wait_until(lambda: b.length() == 2, message="B to get A's block")
        self.assertIn(b.url, json.loads(a.get("peers")[1]))

    def test_6_peers_by_path_and_huge_peer_lists_cannot_amplify(self):
        victim = FakePeer(json.dumps({"length": 1, "chain": [G], "peers": []}))
        self.addCleanup(victim.close)
        a = self.net.chainctl_node("a")
        accepted = 0
        for i in range(300):
            status, _ = a.post("register_node", {"node_address": f"{victim.url}p{i}/"})
            accepted += status == 200
        self.assertEqual(accepted, 1)  # one address per host and port
        small = json.loads((VECTORS / "chains" / "valid-small.json").read_text())
        gap = json.dumps(small["chain"][3])
        before = len(victim.requests)
        for _ in range(30):
            self.assertEqual(a.post("add_block", gap)[0], 202)
        time.sleep(2)
        # Thirty gaps in a row: at most a few sync rounds, each a request or two to the victim.
        self.assertLessEqual(len(victim.requests) - before, 8, victim.requests[before:])
        # A node whose peer list holds 20,000 addresses: the registration is quick and bounded.
        many = FakePeer(json.dumps({"length": 1, "chain": [G],
                                    "peers": [f"http://10.{i // 65536}.{i // 256 % 256}.{i % 256}:8000/" for i in range(20000)]}))
        self.addCleanup(many.close)
        b = self.net.chainctl_node("b")
        start = time.time()
        status, text = b.post("register_with", {"node_address": many.url})
        self.assertEqual(status, 200, text)
        self.assertLess(time.time() - start, 10)
        self.assertEqual(len(json.loads(b.get("peers")[1])), 64)

    def test_7_an_endless_answer_from_a_peer_is_cut_at_the_limit(self):
        endless = FakePeer(endless=True)
        self.addCleanup(endless.close)
        node = self.net.chainctl_node("n", "--max-chain-mib", "8")
        start = time.time()
        status, text = node.post("register_with", {"node_address": endless.url})
        self.assertEqual(status, 502, text)
        self.assertIn("larger than 8 MiB", text)
        self.assertLess(time.time() - start, 10)
        rss = int(Path(f"/proc/{node.proc.pid}/status").read_text().split("VmHWM:")[1].split()[0])
        self.assertLess(rss, 64 * 1024)  # KB: the answer went to a file, not into memory

    def test_8_cross_site_requests_are_refused(self):
        node = self.net.chainctl_node("n")
        status, text = http("POST", node.url + "new_transaction", '{"author": "a", "content": "b"}',
                            headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 415, text)
        self.assertEqual(json.loads(node.get("pending_tx")[1]), [])
        ui = subprocess.Popen([BIN, "ui", "serve", "--node", node.url, "--port", "0", "--json", "-q",
                               "--allow-host", "lab.example"], stdout=subprocess.PIPE, text=True)
        self.addCleanup(ui.kill)
        page = json.loads(ui.stdout.readline())["url"]
        port = page.rsplit(":", 1)[1].strip("/")
        post = {"author": "a", "content": "b"}
        # A page on another site may not post or mine, even as text/plain.
        status, text = http("POST", page + "api/post", post,
                            headers={"Content-Type": "application/json", "Origin": "http://evil.example"})
        self.assertEqual(status, 403, text)
        self.assertEqual(http("POST", page + "api/post", json.dumps(post), headers={"Content-Type": "text/plain"})[0], 415)
        self.assertEqual(http("POST", page + "api/mine", "", headers={"Origin": "http://evil.example"})[0], 403)
        # DNS rebinding: a request for a name the page was not told about.
        status, text = http("GET", page + "api/state", headers={"Host": f"evil.example:{port}"})
        self.assertEqual(status, 403, text)
        self.assertIn("--allow-host", text)
        # Its own origin, a named host, and clients without an Origin (curl, scripts) are fine.
        self.assertEqual(http("GET", page + "api/state", headers={"Host": f"lab.example:{port}"})[0], 200)
        self.assertEqual(http("POST", page + "api/post", post,
                              headers={"Content-Type": "application/json", "Origin": page.rstrip("/")})[0], 201)
        self.assertEqual(http("POST", page + "api/post", post)[0], 201)
        ui.terminate()
        self.assertEqual(ui.wait(timeout=20), 0)
        ui.stdout.close()


class FilesTest(ChainctlTestCase):
    def test_9_a_full_disk_never_leaves_chain_json_broken(self):
        if not root():
            self.skipTest("needs root to mount a small tmpfs")
        disk = self.tmp / "disk"
        disk.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", disk]).returncode != 0:
            self.skipTest("cannot mount a tmpfs here")
        self.addCleanup(subprocess.run, ["umount", "-l", disk])
        repo = disk / "repo"
        self.ok("init", repo)
        for i in range(5):
            self.ok("tx", "add", "--author", "a", "--content", "x" * 3000 + str(i), cwd=repo)
        filler = disk / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        r = self.fails(1, "mine", cwd=repo)
        self.assertIn("no space left on device", r.err)
        self.assertIn("nothing was changed", r.err)
        # chain.json is still a valid chain, and the read-only commands work.
        self.ok("verify", cwd=repo)
        self.assertEqual(len(self.ok("tx", "list", "--json", cwd=repo).json()), 5)
        self.assertEqual(self.ok("chain", "show", "--json", cwd=repo).json()["length"], 1)
        filler.unlink()
        self.ok("mine", cwd=repo)
        self.ok("verify", cwd=repo)
        self.assertEqual(self.ok("chain", "show", "--json", cwd=repo).json()["length"], 2)

    def test_10_a_read_only_repository_can_be_read(self):
        if not root() or not shutil.which("setpriv"):
            self.skipTest("needs root and setpriv to read as another user")
        repo = self.init_repo()
        self.ok("tx", "add", "--author", "a", "--content", "b", cwd=repo)
        os.chmod(self.tmp, 0o755)
        for args in (["tx", "list"], ["verify"], ["chain", "show"]):
            r = subprocess.run(as_nobody(BIN, "-C", repo, *args), capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, (args, r.stderr))
        r = subprocess.run(as_nobody(BIN, "-C", repo, "tx", "add", "--author", "a", "--content", "c"),
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("permission denied", r.stderr)

    def test_11_verify_refuses_an_endless_stream_at_its_first_bytes(self):
        for device in ("/dev/zero", "/dev/urandom"):
            start = time.time()
            r = self.rejects("verify", device, timeout=20)
            self.assertIn("not a chain file", r.out)
            self.assertLess(time.time() - start, 5)
        # A stream that looks like a chain but goes on: cut at the stated limit.
        r = self.chainctl("verify", "--max-mib", "1", "-", stdin='{"length": 1, "chain": [' + '{"a": 1}, ' * 200000)
        self.assertEqual(r.code, 1, r)
        self.assertIn("larger than 1 MiB", r.out)


class HttpParsingTest(ChainctlTestCase):
    def setUp(self):
        super().setUp()
        self.node = Network(self, self.tmp).chainctl_node("n")

    def raw(self, data, wait=3):
        s = socket.create_connection(("127.0.0.1", self.node.port))
        self.addCleanup(s.close)
        s.sendall(data)
        s.settimeout(wait)
        out = b""
        start = time.time()
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return out, True, time.time() - start  # closed
                out += chunk
        except socket.timeout:
            return out, False, time.time() - start

    def test_12_ambiguous_or_broken_framing_is_refused_and_closed(self):
        out, closed, _ = self.raw(b"POST /new_transaction HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                  b"Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}")
        self.assertTrue(out.startswith(b"HTTP/1.1 400"), out)
        self.assertIn(b"conflicting Content-Length", out)
        self.assertTrue(closed)
        out, closed, _ = self.raw(b"POST /new_transaction HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                  b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 400"), out)
        self.assertTrue(closed)
        out, closed, took = self.raw(b"PUT /chain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", wait=5)
        self.assertTrue(out.startswith(b"HTTP/1.1 405"), out)
        self.assertLess(took, 1)
        out, closed, _ = self.raw(b"POST /new_transaction HTTP/1.1\r\nHost: x\r\n"
                                  b"Content-Length: 123456789012345678901234567890\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 400"), out)
        self.assertIn(b"Content-Length 123456789012345678901234567890 is too large", out)
        status, text = self.node.post("register_with", {"node_address": "http://127.0.0.1:1/\r\nX-Evil: 1"})
        self.assertEqual(status, 400, text)
        self.assertIn("control character", text)
        self.assertNotIn("connection refused", text)


if __name__ == "__main__":
    unittest.main()
