"""Mutated vector inputs: the receiver must answer every byte string with events (at worst a
ConnectionError), never with a Python exception, and must stop reading after a connection
error."""

import random

import pytest

from test_vectors import VECTORS, limits_for
from twp.connection import Connection, ConnectionError, FrameReceived
from twp.frames import Role

SEEDS = range(40)


def prepared(vector) -> Connection:
    conn = Connection(Role(vector["receiver"]), limits_for(vector))
    for step in vector["setup"]:
        if step["from"] == "peer":
            conn.receive(bytes.fromhex(step["hex"]))
    return conn


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        if choice < 0.5 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice < 0.7 and data:
            del data[rng.randrange(len(data)):]
        elif choice < 0.85:
            data[rng.randrange(len(data) + 1):0] = rng.randbytes(rng.randint(1, 8))
        else:
            data += data[:rng.randint(0, 64)]
    return bytes(data)


@pytest.mark.parametrize("seed", SEEDS)
def test_mutated_inputs_never_raise(seed):
    rng = random.Random(seed)
    for vector in VECTORS:
        conn = prepared(vector)
        data = mutate(bytes.fromhex(vector["input"]), rng)
        # Fed in random slices, as a socket would deliver them.
        events, pos = [], 0
        while pos < len(data):
            step = rng.randint(1, 64)
            events += conn.receive(data[pos:pos + step])
            pos += step
        errors = [e for e in events if isinstance(e, ConnectionError)]
        assert len(errors) <= 1
        if errors:
            assert events[-1] is errors[0], "events after a connection error"
            assert conn.receive(data) == []


def test_byte_by_byte_delivery_gives_the_same_frames():
    for vector in VECTORS:
        whole = prepared(vector).receive(bytes.fromhex(vector["input"]))
        conn = prepared(vector)
        pieces = []
        for b in bytes.fromhex(vector["input"]):
            pieces += conn.receive(bytes([b]))
        assert [type(e) for e in pieces] == [type(e) for e in whole], vector["name"]
        assert [getattr(e, "frame", None) for e in pieces if isinstance(e, FrameReceived)] == \
            [getattr(e, "frame", None) for e in whole if isinstance(e, FrameReceived)]
