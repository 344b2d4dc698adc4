"""A behavioural model of the reference Python/Flask teaching node, for interoperability tests.

chainctl must share a network with the node of the IBM tutorial "Develop a blockchain
application from scratch in Python". That node is not part of this repository, so this file
models what it does on the wire, written for these tests from its published behaviour, including
the defects chainctl fixes (which tests must expect when they meet them):

  * blocks are hashed as sha256(json.dumps(block.__dict__, sort_keys=True)), difficulty 2;
  * POST /new_transaction needs truthy author and content (else 404), stamps time.time();
  * GET /chain returns json.dumps({"length", "chain": [block.__dict__], "peers": list(peers)});
  * GET /mine mines, runs consensus (which fails on a longer peer chain, as the original's
    check_chain_validity cannot take dicts) and announces to every peer with
    POST "{peer}add_block" and body json.dumps(block.__dict__, sort_keys=True);
  * POST /register_node adds the caller and returns /chain; POST /register_with posts
    {"node_address": request.host_url} to node_address + "/register_node", rebuilds its chain
    from the answer (refusing a tampered one) and takes the peers, but not the node itself;
  * POST /add_block accepts only a block that extends its tip; any other (a gap, a fork, a block
    it holds already, a bad hash) crashes the handler: 500 with a traceback in its log;
  * the chain is saved to DATA_FILE only at exit, and loaded from it at start.

usage: python3 reference_node.py --port PORT [--data-file FILE]
"""

import argparse
import atexit
import json
import signal
import sys
import time
from hashlib import sha256

import requests
from flask import Flask, request

DIFFICULTY = 2


class Block:
    def __init__(self, index, transactions, timestamp, previous_hash, nonce=0):
        self.index = index
        self.transactions = transactions
        self.timestamp = timestamp
        self.previous_hash = previous_hash
        self.nonce = nonce

    def compute_hash(self):
        return sha256(json.dumps(self.__dict__, sort_keys=True).encode()).hexdigest()


class Ledger:
    def __init__(self):
        self.pending = []
        genesis = Block(0, [], 0, "0")
        genesis.hash = genesis.compute_hash()
        self.chain = [genesis]

    @property
    def last(self):
        return self.chain[-1]

    def append(self, block, proof):
        if self.last.hash != block.previous_hash:
            raise ValueError("previous hash incorrect")
        if not (proof.startswith("0" * DIFFICULTY) and proof == block.compute_hash()):
            raise ValueError("block proof invalid")
        block.hash = proof
        self.chain.append(block)

    def mine(self):
        if not self.pending:
            return False
        block = Block(self.last.index + 1, self.pending, time.time(), self.last.hash)
        proof = block.compute_hash()
        while not proof.startswith("0" * DIFFICULTY):
            block.nonce += 1
            proof = block.compute_hash()
        self.append(block, proof)
        self.pending = []
        return True

    @staticmethod
    def valid(chain):
        # As in the original: it expects Block objects, so dicts from a peer make it fail.
        previous = "0"
        for block in chain:
            proof = block.hash
            delattr(block, "hash")
            if not (proof.startswith("0" * DIFFICULTY) and proof == block.compute_hash()) or previous != block.previous_hash:
                return False
            block.hash, previous = proof, proof
        return True


def from_dump(chain_dump):
    ledger = Ledger()
    for i, data in enumerate(chain_dump):
        if i == 0:
            continue
        block = Block(data["index"], data["transactions"], data["timestamp"], data["previous_hash"], data["nonce"])
        ledger.append(block, data["hash"])
    return ledger


app = Flask(__name__)
ledger = Ledger()
peers = set()
data_file = None


@app.route("/chain", methods=["GET"])
def get_chain():
    chain = [b.__dict__ for b in ledger.chain]
    return json.dumps({"length": len(chain), "chain": chain, "peers": list(peers)})


@app.route("/new_transaction", methods=["POST"])
def new_transaction():
    tx = request.get_json()
    for field in ("author", "content"):
        if not tx.get(field):
            return "Invalid transaction data", 404
    tx["timestamp"] = time.time()
    ledger.pending.append(tx)
    return "Success", 201


@app.route("/mine", methods=["GET"])
def mine():
    global ledger
    if not ledger.mine():
        return "No transactions to mine"
    length = len(ledger.chain)
    consensus()
    if length == len(ledger.chain):
        announce(ledger.last)
    return "Block #{} is mined.".format(ledger.last.index)


@app.route("/register_node", methods=["POST"])
def register_node():
    address = request.get_json()["node_address"]
    if not address:
        return "Invalid data", 400
    peers.add(address)
    return get_chain()


@app.route("/register_with", methods=["POST"])
def register_with():
    global ledger
    address = request.get_json()["node_address"]
    if not address:
        return "Invalid data", 400
    response = requests.post(address + "/register_node", data=json.dumps({"node_address": request.host_url}),
                             headers={"Content-Type": "application/json"})
    if response.status_code != 200:
        return response.content, response.status_code
    ledger = from_dump(response.json()["chain"])
    peers.update(response.json()["peers"])
    return "Registration successful", 200


@app.route("/add_block", methods=["POST"])
def add_block():
    data = request.get_json()
    block = Block(data["index"], data["transactions"], data["timestamp"], data["previous_hash"], data["nonce"])
    try:
        ledger.append(block, data["hash"])
    except Exception as e:
        # As the original: its handler formats the error with e.str(), which does not exist.
        app.logger.error("add_block of block %s: %s", data.get("index"), e)
        raise AttributeError("'ValueError' object has no attribute 'str'") from e
    return "Block added to the chain", 201


@app.route("/pending_tx")
def pending_tx():
    return json.dumps(ledger.pending)


def consensus():
    global ledger
    longest, current = None, len(ledger.chain)
    for peer in peers:
        response = requests.get("{}chain".format(peer))
        length, chain = response.json()["length"], response.json()["chain"]
        if length > current and ledger.valid(chain):
            current, longest = length, chain
    if longest:
        ledger = longest
        return True
    return False


def announce(block):
    for peer in peers:
        requests.post("{}add_block".format(peer), data=json.dumps(block.__dict__, sort_keys=True),
                      headers={"Content-Type": "application/json"})


def save():
    if data_file:
        with open(data_file, "w") as f:
            f.write(get_chain())


def main():
    global ledger, data_file
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-file")
    args = parser.parse_args()
    data_file = args.data_file
    if data_file:
        try:
            raw = open(data_file).read()
        except FileNotFoundError:
            raw = ""
        if raw:
            data = json.loads(raw)
            ledger = from_dump(data["chain"])
            peers.update(data["peers"])
    atexit.register(save)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    print(f"reference node on port {args.port}", flush=True)
    app.run(host="127.0.0.1", port=args.port, threaded=True)


if __name__ == "__main__":
    main()
