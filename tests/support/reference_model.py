"""How the reference Python teaching node hashes and loads chains, modelled for chainctl's tests.

Written from the reference node's published behaviour: a block's hash is
sha256(json.dumps(block_fields, sort_keys=True)); loading a chain dump skips block 0 (the
node makes its own genesis) and appends every other block only if its previous_hash is the
last block's hash, its hash starts with '0' * 2 and equals the recomputed hash.
"""

import json
from hashlib import sha256

DIFFICULTY = 2
GENESIS = {"index": 0, "transactions": [], "timestamp": 0, "previous_hash": "0", "nonce": 0}
FIELDS = ("index", "transactions", "timestamp", "previous_hash", "nonce")


def compute_hash(block):
    fields = {k: block[k] for k in FIELDS}
    return sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


class Rejected(Exception):
    pass


def load_chain(chain_dump, difficulty=DIFFICULTY):
    """Returns the chain the reference node would build from chain_dump, or raises Rejected."""
    genesis = dict(GENESIS, hash=compute_hash(GENESIS))
    chain = [genesis]
    for block_data in chain_dump[1:]:
        block = {k: block_data[k] for k in FIELDS}
        proof = block_data["hash"]
        if chain[-1]["hash"] != block["previous_hash"]:
            raise Rejected(f"block {block['index']}: previous hash incorrect")
        if not proof.startswith("0" * difficulty) or proof != compute_hash(block):
            raise Rejected(f"block {block['index']}: block proof invalid")
        block["hash"] = proof
        chain.append(block)
    return chain
