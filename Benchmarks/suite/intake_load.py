"""Load loop for `intake serve`: acknowledged SubmitTicket/s under concurrency, and p50/p99
latency of ListTickets and GetStatistics. Uses the independent Python TWP/1 peer
(proto-spec/peer) with the gateway certificate, forwarding an admin/leader principal."""
import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "proto-spec" / "peer"))

from twp.client import Client  # noqa: E402
from twp.connection import KEY_IDEMPOTENCY, KEY_PRINCIPAL  # noqa: E402
from twp.messages import MessageRegistry  # noqa: E402
from twp.tls import client_context  # noqa: E402

SERVICE = "township.intake.v1.Intake"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=7101)
    ap.add_argument("--certs", default=str(ROOT / "state" / "certs"))
    ap.add_argument("--submissions", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()

    reg = MessageRegistry.load(ROOT / "proto-spec" / "township.protoset")
    Principal = reg.message_class("township.common.v1.Principal")
    leader = Principal()
    leader.user_id.value = "bench-leader"
    leader.role = 1  # ROLE_LEADER
    principal = leader.SerializeToString()
    certs = Path(args.certs)
    ctx = client_context(str(certs / "ca.crt"), str(certs / "service-gateway.crt"), str(certs / "service-gateway.key"))
    client = await Client.connect("127.0.0.1", args.port, ssl_context=ctx,
                                  server_id="spiffe://township.local/service/intake")

    Submit = reg.message_class("township.intake.v1.SubmitTicketRequest")
    run = uuid.uuid4().hex[:8]

    async def submit(i):
        req = Submit()
        key = f"bench-{run}-{i}"
        req.client_request_id = key
        req.reporter.name = "压测"
        req.reporter.phone = "13800000000"
        req.submission.channel = 2
        req.submission.place.village_id.value = "V01"
        req.submission.problem_description = f"路灯不亮 压测 {i}"
        await client.unary(f"{SERVICE}/SubmitTicket", req.SerializeToString(), timeout=30,
                           metadata=[(KEY_PRINCIPAL, principal), (KEY_IDEMPOTENCY, key.encode())])

    queue = iter(range(args.submissions))
    acknowledged = 0

    async def worker():
        nonlocal acknowledged
        for i in queue:
            await submit(i)
            acknowledged += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    submit_seconds = time.perf_counter() - t0

    async def timed(method, message, n):
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            await client.unary(f"{SERVICE}/{method}", message, timeout=120, metadata=[(KEY_PRINCIPAL, principal)])
            samples.append((time.perf_counter() - t) * 1000)
        return samples

    List = reg.message_class("township.intake.v1.ListTicketsRequest")
    plain = List(); plain.page.page_size = 50
    filtered = List(); filtered.page.page_size = 50; filtered.filter.village_ids.add().value = "V03"; filtered.filter.statuses.append(8)
    search = List(); search.page.page_size = 50; search.filter.query = "路灯"
    Stats = reg.message_class("township.intake.v1.GetStatisticsRequest")
    rows = [
        ("ListTickets (newest 50)", await timed("ListTickets", plain.SerializeToString(), args.queries)),
        ("ListTickets (village+status)", await timed("ListTickets", filtered.SerializeToString(), args.queries)),
        ("ListTickets (search 路灯)", await timed("ListTickets", search.SerializeToString(), args.queries)),
        ("GetStatistics (all)", await timed("GetStatistics", Stats().SerializeToString(), max(10, args.queries // 10))),
    ]
    await client.close()

    print(f"{'measure':34} {'n':>6} {'p50 ms':>10} {'p99 ms':>10}")
    print(f"{'SubmitTicket acknowledged/s':34} {acknowledged:>6} {acknowledged / submit_seconds:>10.1f} {'(c=' + str(args.concurrency) + ')':>10}")
    for name, samples in rows:
        print(f"{name:34} {len(samples):>6} {statistics.median(samples):>10.2f} {percentile(samples, 99):>10.2f}")


asyncio.run(main())
