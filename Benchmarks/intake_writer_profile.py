#!/usr/bin/env python3
"""Where the intake writer's time per submission goes, part by part (issue #15 part 1, item 1).

The bare loop of IntakeSubmitLoad (the rows one acknowledged submission writes: number counter,
ticket with its indexes and statistics trigger, search row, ledger event, global chain link,
client request id, recorded reply), on the same system libsqlite3 GRDB links, in WAL with
synchronous = FULL, in transactions of a fixed size; then the same loop with one part left out
or changed at a time. Each variant runs on a fresh copy of the schema taken from an intake
database (`--schema-from`, any file intake migrated), after `--preload` tickets so the indexes
are not trivially small. Prints µs per submission for the SQL and for the commit (fsync) apart.

    python3 Benchmarks/intake_writer_profile.py --schema-from /path/to/intake.sqlite
"""
import argparse
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import time

DESCRIPTION = "村口路灯已经连续三个晚上不亮了，老人晚上出门散步很不方便，希望尽快派人来修理。（bench-{n}）"


def index_text(text):
    """ChineseSearchTokenizer.indexText: CJK unigrams and bigrams, other runs as lower-case words."""
    def cjk(c):
        v = ord(c)
        return (0x3400 <= v <= 0x4DBF or 0x4E00 <= v <= 0x9FFF or 0xF900 <= v <= 0xFAFF or 0x20000 <= v <= 0x2EBEF
                or 0x3040 <= v <= 0x30FF or 0xAC00 <= v <= 0xD7AF)
    tokens, run, word = [], [], ""

    def flush():
        nonlocal run, word
        for i, c in enumerate(run):
            tokens.append(c)
            if i + 1 < len(run):
                tokens.append(c + run[i + 1])
        if word:
            tokens.append(word.lower())
        run, word = [], ""
    for c in text:
        if cjk(c):
            if word:
                flush()
            run.append(c)
        elif c.isalnum():
            if run:
                flush()
            word += c
        else:
            flush()
    flush()
    return " ".join(tokens)


def schema_sql(source):
    db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    rows = db.execute("""SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
                         AND name NOT LIKE 'ticket_search_%' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid""").fetchall()
    reference = {t: db.execute(f"SELECT * FROM {t}").fetchall() for t in
                 ("village", "grid", "grid_worker", "department", "category", "department_category")}
    db.close()
    return rows, reference


class Variant:
    def __init__(self, name, drop_indexes=(), no_search=False, contentless=False, no_trigger=False,
                 no_reply=False, expiry_delete=True, pragmas=(), no_chain_lookup=False, savepoints=False, lookups=False,
                 reply_rowid=False, checkpointer=False):
        self.name, self.drop_indexes, self.no_search, self.contentless = name, drop_indexes, no_search, contentless
        self.no_trigger, self.no_reply, self.expiry_delete, self.pragmas = no_trigger, no_reply, expiry_delete, pragmas
        self.no_chain_lookup, self.savepoints, self.lookups = no_chain_lookup, savepoints, lookups
        self.reply_rowid, self.checkpointer = reply_rowid, checkpointer


def build(path, schema, reference, variant):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    for pragma in variant.pragmas:
        db.execute(pragma)
    db.execute("BEGIN")
    for kind, name, sql in schema:
        if kind == "index" and name in variant.drop_indexes:
            continue
        if kind == "trigger" and variant.no_trigger and name.startswith("ticket_statistics"):
            continue
        if name == "idempotent_call" and variant.reply_rowid:
            # v9: replies appended in rowid order; only the (scope, method, key) index takes random positions.
            db.execute(re.sub(r",\s*PRIMARY KEY \(scope, method, key\)\) WITHOUT ROWID", ")", sql))
            db.execute("CREATE UNIQUE INDEX idempotent_call_by_key ON idempotent_call(scope, method, key)")
            continue
        if name == "ticket_search" and variant.contentless:
            sql = "CREATE VIRTUAL TABLE ticket_search USING fts5(tokens, tokenize = 'unicode61', detail = none, content = '', columnsize = 0)"
        db.execute(sql)
    for table, rows in reference.items():
        if rows:
            db.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    db.execute("COMMIT")
    return db


TICKET_COLUMNS = ("township, number, channel, reporter_name, reporter_phone, reporter_user_id, village_id, grid_id, latitude, longitude, "
                  "address, category_id, description, priority, status, owner_user_id, handling_level, due_at, next_deadline_check_at, "
                  "created_at, updated_at, ledger_length, ledger_head")


class Loop:
    def __init__(self, db, variant):
        self.db, self.v, self.n = db, variant, 0
        self.reply = os.urandom(700)
        self.checkpointer = None

    def file_one(self, n, tokens):
        db, v = self.db, self.v
        now = 1764633600000 + n
        if v.savepoints:
            db.execute("SAVEPOINT submission")
        if v.lookups:
            db.execute("SELECT request_digest, reply FROM idempotent_call WHERE scope = ? AND method = ? AND key = ? AND completed_at >= ?",
                       (f"gateway resident:bench-resident-{n % 512}", "/township.intake.v1.Intake/SubmitTicket", f"bench-{n}", now)).fetchone()
            db.execute("SELECT ticket_id FROM submission_request WHERE requester = ? AND client_request_id = ?",
                       (f"resident:bench-resident-{n % 512}", f"bench-{n}")).fetchone()
        (number,) = db.execute("""INSERT INTO ticket_number_counter (township, year, last_value) VALUES ('bare', 2026, 1)
            ON CONFLICT (township, year) DO UPDATE SET last_value = last_value + 1 RETURNING last_value""").fetchone()
        description = DESCRIPTION.format(n=n)
        cur = db.execute(f"INSERT INTO ticket ({TICKET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         ("demo", f"2026-{number:06d}", "hotline_96150", f"居民{n % 512}", f"139{n % 512:08d}", f"bench-resident-{n % 512}",
                          f"V{n % 40 + 1:02d}", None, 30.27, 120.15, f"幸福路{n % 97 + 1}号", None, description, "normal", "submitted",
                          None, None, None, None, now, now, 0, "0" * 64))
        ticket = cur.lastrowid
        if not v.no_search:
            db.execute("INSERT INTO ticket_search (rowid, tokens) VALUES (?, ?)", (ticket, tokens))
        cur = db.execute("""INSERT INTO ledger_event (ticket_id, sequence, actor_user_id, actor_role, occurred_at, from_status, to_status,
            action, note, details, previous_hash, hash) VALUES (?, 1, ?, 'resident', ?, NULL, 'submitted', 'submit', NULL, ?, ?, ?)""",
                         (ticket, f"bench-resident-{n % 512}", now, '{"channel":"hotline_96150","village":"V01"}', "0" * 64, f"{n:064x}"))
        position = cur.lastrowid
        if v.lookups:
            db.execute("SELECT ledger_length, ledger_head FROM ticket WHERE id = ?", (ticket,)).fetchone()
        if not v.no_chain_lookup:
            db.execute("SELECT chain_hash FROM ledger_chain ORDER BY position DESC LIMIT 1").fetchone()
        db.execute("INSERT INTO ledger_chain (position, chain_hash) VALUES (?, ?)", (position, f"{n:064x}"))
        db.execute("UPDATE ticket SET ledger_length = 1, ledger_head = ? WHERE id = ?", (f"{n:064x}", ticket))
        db.execute("INSERT INTO submission_request (requester, client_request_id, ticket_id) VALUES (?, ?, ?)",
                   (f"resident:bench-resident-{n % 512}", f"bench-{n}", ticket))
        if not v.no_reply:
            if v.expiry_delete:
                db.execute("DELETE FROM idempotent_call WHERE completed_at < ?", (now - 86_400_000,))
            db.execute("INSERT OR REPLACE INTO idempotent_call (scope, method, key, request_digest, reply, completed_at) VALUES (?, ?, ?, ?, ?, ?)",
                       (f"gateway resident:bench-resident-{n % 512}", "/township.intake.v1.Intake/SubmitTicket", f"bench-{n}", "ab" * 32, self.reply, now))
        if v.savepoints:
            db.execute("RELEASE submission")

    def batch(self, size):
        """(CPU seconds in all, CPU seconds of the SQL, wall seconds of the commit) of one transaction of `size` submissions. The search
        tokens are segmented before it, as intake segments them outside the writer."""
        numbers = range(self.n + 1, self.n + size + 1)
        self.n += size
        tokens = [index_text(DESCRIPTION.format(n=n)) for n in numbers]
        start, cpu = time.perf_counter(), time.thread_time()
        self.db.execute("BEGIN IMMEDIATE")
        for n, t in zip(numbers, tokens):
            self.file_one(n, t)
        middle, cpu_middle = time.perf_counter(), time.thread_time()
        self.db.execute("COMMIT")
        if self.checkpointer:
            self.checkpointer.wake.set()
        return time.thread_time() - cpu, cpu_middle - cpu, time.perf_counter() - middle


class Checkpointer:
    """The WAL checkpoint off the writer: a second connection runs a PASSIVE checkpoint after
    commits (at most one at a time, at least `interval` apart); the writer's auto-checkpoint is off."""
    def __init__(self, path, interval=0.05):
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.interval, self.cpu = interval, 0.0
        self.wake, self.stopping = threading.Event(), False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while True:
            self.wake.wait()
            self.wake.clear()
            if self.stopping:
                return
            start = time.thread_time()
            self.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.cpu += time.thread_time() - start
            time.sleep(self.interval)

    def stop(self):
        self.stopping = True
        self.wake.set()
        self.thread.join()
        self.db.close()


def wal_frames(db, loop, batch):
    """WAL frames (pages) written per submission: 256 more submissions after a truncating
    checkpoint, with auto-checkpoints off so the WAL holds them all."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    for _ in range(max(1, 256 // batch)):
        loop.batch(batch)
    _, frames, _ = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return frames / (max(1, 256 // batch) * batch)


class Subject:
    """One variant's database, preloaded, measured in chunks interleaved with the others'."""
    def __init__(self, schema, reference, variant, preload, directory):
        self.folder = tempfile.mkdtemp(dir=directory, prefix="writer-profile-")
        self.variant = variant
        self.db = build(os.path.join(self.folder, "bare.sqlite"), schema, reference, variant)
        self.loop = Loop(self.db, variant)
        for _ in range(preload // 256):
            self.loop.batch(256)
        if variant.checkpointer:
            self.db.execute("PRAGMA wal_autocheckpoint = 0")
            self.loop.checkpointer = Checkpointer(os.path.join(self.folder, "bare.sqlite"))
        self.cpu = self.sql = self.commit = 0.0
        self.count = 0

    def chunk(self, batch, submissions):
        checkpointer = self.loop.checkpointer
        before = checkpointer.cpu if checkpointer else 0.0
        for _ in range(max(1, submissions // batch)):
            a, s, c = self.loop.batch(batch)
            self.cpu, self.sql, self.commit = self.cpu + a, self.sql + s, self.commit + c
            self.count += batch
        if checkpointer:
            self.cpu += checkpointer.cpu - before

    def finish(self, batch):
        """(cpu, sql, commit) µs per submission and WAL pages per submission."""
        if self.loop.checkpointer:
            self.loop.checkpointer.stop()
            self.loop.checkpointer = None
        frames = wal_frames(self.db, self.loop, batch)
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        return self.cpu * 1e6 / self.count, self.sql * 1e6 / self.count, self.commit * 1e6 / self.count, frames


def measure_interleaved(schema, reference, variants, batch, submissions, preload, directory, rounds=8):
    """Every variant on its own preloaded database, measured in `rounds` chunks taken in turn, so
    the machine's load moves all of them alike."""
    subjects = [Subject(schema, reference, v, preload, directory) for v in variants]
    for _ in range(rounds):
        for subject in subjects:
            subject.chunk(batch, submissions // rounds)
    return [subject.finish(batch) for subject in subjects]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema-from", required=True, help="an intake database (its schema and reference data are copied)")
    parser.add_argument("--batches", default="16,64,256")
    parser.add_argument("--submissions", type=int, default=4096, help="measured submissions per variant and batch size")
    parser.add_argument("--preload", type=int, default=20480, help="tickets filed before measuring (not timed)")
    parser.add_argument("--directory", default=tempfile.gettempdir())
    parser.add_argument("--only", default="", help="variant names separated by '|'")
    args = parser.parse_args()
    schema, reference = schema_sql(args.schema_from)
    ticket_indexes = [name for kind, name, sql in schema if kind == "index" and sql and " ON ticket" in sql]
    variants = [
        Variant("as intake writes it"),
        Variant("+ a savepoint per submission", savepoints=True),
        Variant("+ savepoint, temp_store MEMORY", savepoints=True, pragmas=("PRAGMA temp_store = MEMORY",)),
        Variant("+ intake's three look-ups", lookups=True),
        Variant("without the search row", no_search=True),
        Variant("search contentless, no docsize", contentless=True),
        Variant("without the statistics trigger", no_trigger=True),
        Variant(f"without the {len(ticket_indexes)} secondary ticket indexes", drop_indexes=ticket_indexes),
        Variant("without the recorded reply", no_reply=True),
        Variant("without the expiry DELETE", expiry_delete=False),
        Variant("recorded reply in a rowid table + key index", reply_rowid=True),
        Variant("cache_size 64 MiB", pragmas=("PRAGMA cache_size = -65536",)),
        Variant("wal_autocheckpoint off (WAL unbounded)", pragmas=("PRAGMA wal_autocheckpoint = 0",)),
        Variant("checkpoint on another connection", checkpointer=True),
        Variant("temp_store MEMORY", pragmas=("PRAGMA temp_store = MEMORY",)),
        Variant("secure_delete off (not proposed)", pragmas=("PRAGMA secure_delete = 0",)),
        Variant("intake on main: + savepoints and look-ups", savepoints=True, lookups=True),
        Variant("intake on wip/submit-speed: + v9, temp_store, checkpointer", savepoints=True, lookups=True, reply_rowid=True,
                checkpointer=True, pragmas=("PRAGMA temp_store = MEMORY",)),
        Variant("floor: no search, trigger, ticket indexes", no_search=True, no_trigger=True, drop_indexes=ticket_indexes),
    ]
    only = {name.strip() for name in args.only.split("|") if name.strip()}
    chosen = [v for v in variants if not only or v.name in only]
    print(f"sqlite {sqlite3.sqlite_version}; {args.preload} tickets preloaded; {args.submissions} measured per cell, in 8 chunks taken")
    print("in turn across the variants (so the machine's load moves them alike); µs per submission:")
    print("  cpu = the writer thread's CPU, SQL and commit (and the checkpointer's, where there is one);")
    print("  sql = its CPU before COMMIT; commit = the COMMIT's wall time (WAL write + fsync; noisy on a shared disk);")
    print("  pages = WAL frames (4 KiB pages) written per submission")
    sizes = [int(b) for b in args.batches.split(",")]
    results = {b: measure_interleaved(schema, reference, chosen, b, args.submissions, args.preload, args.directory) for b in sizes}
    print(f"{'variant':60}" + "".join(f"{f'batch {b}':>26}" for b in sizes))
    print(f"{'':60}" + "".join(f"{'cpu   sql commit pages':>26}" for b in sizes))
    for i, variant in enumerate(chosen):
        cells = [f"{cpu:5.0f} {sql:5.0f} {commit:6.0f} {frames:5.1f}" for cpu, sql, commit, frames in (results[b][i] for b in sizes)]
        print(f"{variant.name:60}" + "".join(f"{c:>26}" for c in cells), flush=True)

if __name__ == "__main__":
    main()
