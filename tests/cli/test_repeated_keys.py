"""chainctl's canonical form against Python's own json, on objects full of repeated keys: a
repeated key must mean exactly what it means to json.loads (the last value, in the first
key's place) at every object size and depth, so that hashes never differ from the reference's."""

import json
import random
import unittest
from hashlib import sha256

from harness import ChainctlTestCase

FIELDS = ("index", "transactions", "timestamp", "previous_hash", "nonce")


def random_object(rng, depth=0):
    members = []
    for _ in range(rng.randrange(0, 30)):  # past 16 members, where a large object's index starts
        key = rng.choice("abcdefgh") + rng.choice(["", "", "x", "é", "\U0001F600"])
        if depth < 3 and rng.random() < 0.2:
            value = random_object(rng, depth + 1)
        else:
            value = rng.choice([json.dumps(rng.randrange(-1000, 1000)), json.dumps(rng.random()),
                                json.dumps(rng.choice(["", "v", "ü", "a\nb"])), "null", "true", "[1, 2]"])
        members.append(json.dumps(key, ensure_ascii=rng.random() < 0.5) + ": " + value)
    return "{" + ", ".join(members) + "}"


class RepeatedKeysTest(ChainctlTestCase):
    def test_preimages_and_hashes_match_python_on_generated_objects(self):
        rng = random.Random(2026)
        lines, expected = [], []
        for i in range(400):
            tx = random_object(rng)
            text = ('{"index": %d, "transactions": [%s], "timestamp": 1.5, "previous_hash": "0", "nonce": 7}'
                    % (i, tx))
            lines.append(text)
            block = json.loads(text)
            preimage = json.dumps({k: block[k] for k in FIELDS}, sort_keys=True)
            expected.append((preimage, sha256(preimage.encode()).hexdigest()))
        stdin = "\n".join(lines) + "\n"
        preimages = self.ok("block", "hash", "--preimage", "-", stdin=stdin).out.splitlines()
        hashes = self.ok("block", "hash", "-", stdin=stdin).out.splitlines()
        self.assertEqual(len(preimages), len(lines))
        for i, (preimage, digest) in enumerate(expected):
            self.assertEqual(preimages[i], preimage, lines[i])
            self.assertEqual(hashes[i], digest, lines[i])


if __name__ == "__main__":
    unittest.main()
