"""Mixed networks and lab scripts: mining on the longest chain, answers that tell the truth, and
reference nodes (the model in tests/support) that keep working beside chainctl nodes."""

import json
import re
import socket
import subprocess
import time
import unittest

from fake_peers import FakePeer
from harness import BIN, ChainctlTestCase, run
from nodes import Network, http, reference_available, wait_until


def peer_length(node, url):
    for p in json.loads(node.get("peers?detail=1")[1]):
        if p["url"] == url:
            return p["length"]
    return None


class LongestChainTest(ChainctlTestCase):
    def test_1_a_node_mines_on_the_longer_chain_a_one_way_peer_holds(self):
        net = Network(self, self.tmp)
        a = net.chainctl_node("a")
        b = net.chainctl_node("b")
        b.post("register_node", {"node_address": a.url})  # B knows A; A does not know B
        a.post_and_mine("alice", "a1")
        # B learns in the background that A is longer, and mines on A's chain, not beside it.
        wait_until(lambda: peer_length(b, a.url) == 2, message="B to learn A's length")
        b.add("bob", "b2")
        self.assertEqual(b.mine(), "Block #2 is mined.")
        self.assertEqual(b.chain()["chain"][1], a.chain()["chain"][1])
        wait_until(lambda: a.length() == 3, message="A to take B's block")
        self.assertEqual(a.tip(), b.tip())

    def test_2_mine_over_http_says_when_its_block_was_orphaned(self):
        orphaned = {"message": "Block #1 was mined but a longer chain replaced it; its transactions are pending again.",
                    "status": "orphaned",
                    "block": {"index": 1, "transactions": [], "timestamp": 1.0, "previous_hash": "0", "nonce": 1, "hash": "00"},
                    "hashes_tried": 10, "elapsed_s": 0.1, "threads": 1}
        fake = FakePeer(routes={"/mine": json.dumps(orphaned)})
        self.addCleanup(fake.close)
        r = run("mine", "--node", fake.url)
        self.assertEqual(r.code, 1, r)
        self.assertEqual(r.out.splitlines()[0], orphaned["message"])
        r = run("mine", "--node", fake.url, "--json")
        self.assertEqual(r.json()["status"], "orphaned")


@unittest.skipUnless(reference_available(), "needs python3-flask and python3-requests")
class MixedTest(ChainctlTestCase):
    def setUp(self):
        super().setUp()
        self.net = Network(self, self.tmp)

    def test_1_a_node_mines_on_a_longer_reference_chain_that_registered_with_it(self):
        c = self.net.chainctl_node("c", "--probe-interval", "0.5")
        ref = self.net.reference_node("ref")
        self.assertEqual(ref.post("register_with", {"node_address": c.url})[0], 200)
        ref.post_and_mine("alice", "r1", "r2")  # the reference never announces to c
        wait_until(lambda: c.length() == 3, timeout=20, message="c to take the reference's chain")
        c.add("bob", "on the reference's chain")
        self.assertEqual(c.mine(), "Block #3 is mined.")
        # c took the chain from the reference, so it did not announce that chain's tip back to it;
        # its own block #3 extends the reference's tip, which the reference takes.
        wait_until(lambda: ref.length() == 4, message="the reference to take block #3")
        self.assertNotIn("Traceback", ref.log())

    def knows_as_reference(self, node, ref):
        wait_until(lambda: any(p["url"] == ref.url and p["kind"] == "reference"
                               for p in json.loads(node.get("peers?detail=1")[1])),
                   message=f"{node.name} to know {ref.name} is a reference node")

    def test_3_a_block_is_not_sent_back_to_the_reference_node_it_came_from(self):
        ref = self.net.reference_node("ref")
        c = self.net.chainctl_node("c")
        # d learns nothing in the background: what it knows of the reference, it learns when it
        # is about to send it the block.
        d = self.net.chainctl_node("d", "--probe-interval", "0")
        self.assertEqual(c.post("register_with", {"node_address": ref.url})[0], 200)
        self.assertEqual(d.post("register_with", {"node_address": c.url})[0], 200)
        wait_until(lambda: ref.url in [p["url"] for p in json.loads(c.get("peers?detail=1")[1]) if p["kind"] == "reference"],
                   message="c to know the reference is one")
        ref.post_and_mine("alice", "from the reference")
        wait_until(lambda: d.length() == 2, message="the block to reach d through c")
        time.sleep(1)
        # The reference got no announcement of its own block back, so nothing failed there.
        self.assertNotIn("POST /add_block", ref.log())
        self.assertNotIn("Traceback", ref.log())

    def test_3b_a_reference_peer_of_two_relaying_nodes_gets_each_block_once(self):
        ref = self.net.reference_node("ref")
        c = self.net.chainctl_node("c")
        d = self.net.chainctl_node("d")
        self.assertEqual(d.post("register_with", {"node_address": c.url})[0], 200)  # c <-> d
        for node in (c, d):
            self.assertEqual(node.post("register_node", {"node_address": ref.url})[0], 200)
            self.knows_as_reference(node, ref)
        c.post_and_mine("alice", "c1")
        wait_until(lambda: ref.length() == 2 and d.length() == 2, message="the block to reach ref and d")
        time.sleep(1)
        self.assertEqual(ref.chain()["chain"][-1]["hash"], c.tip())
        self.assertEqual(ref.log().count("POST /add_block"), 1, ref.log())
        self.assertNotIn("Traceback", ref.log())

    def test_3c_a_block_from_one_reference_node_reaches_another_on_the_same_address(self):
        # c's only peer is r1; r2 (same IP address) has c as its peer and mines. The block did not
        # come from r1, so r1 must still get it.
        r1 = self.net.reference_node("r1")
        r2 = self.net.reference_node("r2")
        c = self.net.chainctl_node("c")
        self.assertEqual(c.post("register_node", {"node_address": r1.url})[0], 200)
        self.knows_as_reference(c, r1)
        self.assertEqual(r2.post("register_node", {"node_address": c.url})[0], 200)
        r2.post_and_mine("bob", "r2's block")
        wait_until(lambda: c.length() == 2, message="c to take r2's block")
        wait_until(lambda: r1.length() == 2, message="r1 to get r2's block through c")
        self.assertEqual(r1.chain()["chain"][1]["hash"], r2.chain()["chain"][1]["hash"])
        self.assertNotIn("Traceback", r1.log())

    def test_3d_a_reference_peer_that_missed_blocks_is_sent_them_in_order(self):
        # No probes: c does not know ref is a reference node until it is about to send it a block.
        c = self.net.chainctl_node("c", "--probe-interval", "0")
        c.post_and_mine("alice", "c1", "c2", "c3")
        ref = self.net.reference_node("ref")  # starts with the genesis block only
        self.assertEqual(c.post("register_node", {"node_address": ref.url})[0], 200)
        c.post_and_mine("alice", "c4")
        wait_until(lambda: ref.length() == 5, message="the reference to get the four blocks it lacks")
        self.assertEqual(ref.chain()["chain"], c.chain()["chain"])
        self.assertEqual(ref.log().count("POST /add_block"), 4, ref.log())
        self.assertNotIn("Traceback", ref.log())

    def test_3e_the_probe_brings_a_reference_peer_up_to_date_without_a_new_block(self):
        c = self.net.chainctl_node("c", "--probe-interval", "0.2")
        c.post_and_mine("alice", "c1", "c2")
        ref = self.net.reference_node("ref")
        self.assertEqual(c.post("register_node", {"node_address": ref.url})[0], 200)
        wait_until(lambda: ref.length() == 3, message="the probe to bring the reference up to date")
        self.assertEqual(ref.chain()["chain"], c.chain()["chain"])
        self.assertNotIn("Traceback", ref.log())

    def test_3f_a_reference_peer_on_another_fork_is_told_about_not_sent_blocks(self):
        c = self.net.chainctl_node("c", "--probe-interval", "0.2")
        c.post_and_mine("alice", "c1", "c2")
        ref = self.net.reference_node("ref")
        ref.post_and_mine("bob", "r1")  # shorter, and not a prefix of c's chain
        self.assertEqual(c.post("register_node", {"node_address": ref.url})[0], 200)
        self.knows_as_reference(c, ref)
        c.post_and_mine("alice", "c3")
        wait_until(lambda: "holds another chain" in c.log(), message="c to say the reference is on another fork")
        time.sleep(1)  # several probes, and one more block
        c.post_and_mine("alice", "c4")
        time.sleep(0.5)
        self.assertEqual(c.log().count("holds another chain"), 1, c.log())
        self.assertIn(f"chainctl peer register --with URL --node {ref.url}", c.log())
        self.assertNotIn("POST /add_block", ref.log())
        self.assertEqual(ref.length(), 2)
        # Re-registering it brings it over: it is shorter, so no --force is needed.
        self.assertEqual(run("peer", "register", "--with", c.url, "--node", ref.url).code, 0)
        self.assertEqual(ref.tip(), c.tip())

    def test_4_peers_of_an_adopted_chain_json_are_normalised(self):
        repo = self.tmp / "adopted"
        repo.mkdir()
        genesis = run("chain", "show", "--json", "-C", self.init_repo("g")).json()["chain"]
        (repo / "chain.json").write_text(json.dumps({"length": 1, "chain": genesis,
                                                     "peers": ["http://127.0.0.1:18281", "not a url", "HTTP://127.0.0.1:18281/"]}))
        r = run("init", repo)
        self.assertEqual(r.code, 0, r)
        self.assertIn("2 peers of chain.json were left out", r.err)
        c = self.net.chainctl_node("adopted")
        self.assertEqual(c.chain()["peers"], ["http://127.0.0.1:18281/"])
        ref = self.net.reference_node("ref")
        self.assertEqual(ref.post("register_with", {"node_address": c.url})[0], 200)
        self.assertIn("http://127.0.0.1:18281/", ref.chain()["peers"])

    def test_5_new_transaction_accepts_what_the_reference_accepts(self):
        ref = self.net.reference_node("ref")
        c = self.net.chainctl_node("c")
        for body in ({"author": 5, "content": ["list"]}, {"author": True, "content": {"k": 1}}):
            self.assertEqual(ref.post("new_transaction", body)[0], 201)
            self.assertEqual(c.post("new_transaction", body)[0], 201)
        for body in ({"author": "", "content": "x"}, {"author": 0, "content": "x"}, {"author": "a", "content": []}):
            self.assertEqual(ref.post("new_transaction", body)[0], 404)
            self.assertEqual(c.post("new_transaction", body)[0], 400)
        self.assertIn("Block #1 is mined.", c.mine())

    def test_6_peer_register_does_not_make_a_reference_node_lose_blocks(self):
        ref = self.net.reference_node("ref")
        ref.post_and_mine("alice", *[f"r{i}" for i in range(4)])  # 5 blocks
        c = self.net.chainctl_node("c")
        c.post_and_mine("bob", "c1", "c2")  # 3 blocks
        r = run("peer", "register", "--with", c.url, "--node", ref.url)
        self.assertEqual(r.code, 1, r)
        self.assertEqual(len(r.err.splitlines()), 1, r.err)
        self.assertIn("would lose blocks", r.err)
        self.assertEqual(ref.length(), 5)
        r = run("peer", "register", "--with", c.url, "--node", ref.url, "--force")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(ref.length(), 3)
        # Longer is fine without --force: the reference catches up this way.
        c.post_and_mine("bob", "c3", "c4", "c5")
        self.assertEqual(run("peer", "register", "--with", c.url, "--node", ref.url).code, 0)
        self.assertEqual(ref.chain()["chain"], c.chain()["chain"])

    def test_6b_peer_register_accepts_the_same_chain_with_its_keys_in_another_order(self):
        ref = self.net.reference_node("ref")
        c = self.net.chainctl_node("c")
        self.assertEqual(c.post("register_with", {"node_address": ref.url})[0], 200)  # ref -> c
        # The reference keeps the keys in the order they were posted; it announces the block to c
        # with sorted keys. Same block, same hash, other bytes.
        self.assertEqual(ref.post("new_transaction", {"content": "zebra first", "author": "alice"})[0], 201)
        self.assertEqual(ref.get("mine")[0], 200)
        wait_until(lambda: c.length() == 2, message="c to take the reference's block")
        self.assertNotEqual(list(ref.chain()["chain"][1]["transactions"][0]),
                            list(c.chain()["chain"][1]["transactions"][0]))
        self.assertEqual(ref.tip(), c.tip())
        r = run("peer", "register", "--with", c.url, "--node", ref.url)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(ref.length(), 2)


class UiTest(ChainctlTestCase):
    def ui(self, *nodes):
        proc = subprocess.Popen([BIN, "ui", "serve", *sum((["--node", n] for n in nodes), []), "--port", "0",
                                 "--json", "-q"], stdout=subprocess.PIPE, text=True)
        self.addCleanup(stop, proc)
        return json.loads(proc.stdout.readline())["url"]

    def test_7_a_node_that_comes_back_is_shown_up_again_and_failover_stays(self):
        net = Network(self, self.tmp)
        a = net.chainctl_node("a")
        b = net.chainctl_node("b")
        page = self.ui(a.url, b.url)
        state = lambda: json.loads(http("GET", page + "api/state")[1])
        self.assertEqual(state()["node"], a.url)
        port = a.port
        a.stop()
        self.assertEqual(state()["node"], b.url)
        self.assertEqual([n["state"] for n in state()["nodes"]], ["down", "up"])
        again = net.chainctl_node("a", port=port)
        wait_until(lambda: state()["nodes"][0]["state"] == "up", timeout=10, message="the page to see a up again")
        self.assertEqual(state()["node"], b.url)  # sticky: it stays on b while b answers

    def test_the_reference_clients_form_and_methods(self):
        net = Network(self, self.tmp)
        node = net.chainctl_node("n")
        page = self.ui(node.url)
        # The reference web client's form post: fields author and content, then back to the page.
        req = urlopen_no_redirect(page + "submit", b"author=alice&content=hello+%26+welcome")
        self.assertEqual(req[0], 302)
        self.assertEqual(req[1].get("Location"), "/")
        self.assertEqual([t["content"] for t in json.loads(node.get("pending_tx")[1])], ["hello & welcome"])
        for path in ("api/post", "api/mine"):
            status, text, headers = http_with_headers("GET", page + path)
            self.assertEqual(status, 405, text)
            self.assertEqual(headers.get("Allow"), "POST")


def stop(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)
    proc.stdout.close()


def urlopen_no_redirect(url, body):
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with opener.open(req, timeout=20) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers


def http_with_headers(method, url):
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=20) as r:
            return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers


class CommandLineTest(ChainctlTestCase):
    def test_malformed_urls_are_usage_errors_and_create_nothing(self):
        for args in (["node", "serve", "-C", self.tmp / "x1", "--advertise", "foo"],
                     ["ui", "serve", "--node", "notaurl"],
                     ["peer", "add", "notaurl", "-C", self.tmp / "x2"],
                     ["tx", "add", "--node", "notaurl", "--author", "a", "--content", "b"],
                     ["peer", "register", "--with", "notaurl", "--node", "http://127.0.0.1:1/"]):
            with self.subTest(args=args):
                r = self.chainctl(*args)
                self.assertEqual(r.code, 2, r)
                self.assertOneLineError(r, "node address must be an http or https URL")
        self.assertFalse((self.tmp / "x1").exists())

    def test_help_and_the_command_list_agree_about_completion(self):
        self.assertIn("completion", self.ok("--help").out)
        self.assertEqual(self.ok("help", "completion").out, self.ok("completion", "--help").out)

    def test_the_serving_line_counts_in_english(self):
        net = Network(self, self.tmp)
        proc = subprocess.Popen([BIN, "node", "serve", "-C", self.tmp / "one", "--port", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(stop, proc)
        line = proc.stdout.readline()
        self.assertIn("(1 block, 0 pending, 0 peers)", line)
        start = time.time()
        proc.send_signal(2)
        self.assertEqual(proc.wait(timeout=10), 0)
        # It used to sleep out a poll interval; now it takes milliseconds. The bound is loose on purpose.
        self.assertLess(time.time() - start, 1.0)

    def test_tx_list_is_oldest_first_after_a_reorg(self):
        net = Network(self, self.tmp)
        a = net.chainctl_node("a")
        b = net.chainctl_node("b")
        a.post_and_mine("alice", "a1", "a2")
        b.post_and_mine("bob", "orphaned soon")
        b.add("bob", "newer")
        self.assertEqual(b.post("register_with", {"node_address": a.url})[0], 200)
        listed = run("tx", "list", "--node", b.url, "--json").json()
        self.assertEqual([t["content"] for t in listed], ["orphaned soon", "newer"])
        stamps = [t["timestamp"] for t in listed]
        self.assertEqual(stamps, sorted(stamps))


if __name__ == "__main__":
    unittest.main()
