"""The admission gate on its own: slots, a bounded queue served first come first served, a bounded wait."""

import asyncio

import pytest

from gateway.http.admission import Admission, Overloaded


async def hold(admission: Admission, release: asyncio.Event, log: list[str], name: str) -> None:
    async with admission.slot():
        log.append(name)
        await release.wait()


async def test_a_full_gate_queues_then_refuses_at_once() -> None:
    admission = Admission(limit=2, queue=1, wait_s=5.0)
    release, log = asyncio.Event(), list[str]()
    running = [asyncio.create_task(hold(admission, release, log, n)) for n in ("a", "b", "queued")]
    await asyncio.sleep(0)
    assert (admission.running, admission.queued, log) == (2, 1, ["a", "b"])

    with pytest.raises(Overloaded):
        async with admission.slot():
            pass

    release.set()
    await asyncio.gather(*running)
    assert log == ["a", "b", "queued"] and (admission.running, admission.queued) == (0, 0)


async def test_a_queued_request_gives_up_after_the_wait_and_frees_its_place() -> None:
    admission = Admission(limit=1, queue=1, wait_s=0.05)
    release, log = asyncio.Event(), list[str]()
    first = asyncio.create_task(hold(admission, release, log, "first"))
    await asyncio.sleep(0)
    with pytest.raises(Overloaded):
        async with admission.slot():
            pass
    assert admission.queued == 0
    release.set()
    await first
    assert admission.running == 0


async def test_a_cancelled_waiter_leaves_no_slot_behind() -> None:
    admission = Admission(limit=1, queue=2, wait_s=5.0)
    release, log = asyncio.Event(), list[str]()
    first = asyncio.create_task(hold(admission, release, log, "first"))
    await asyncio.sleep(0)
    gone = asyncio.create_task(hold(admission, release, log, "gone"))
    await asyncio.sleep(0)
    gone.cancel()
    await asyncio.gather(gone, return_exceptions=True)
    release.set()
    await first
    assert (admission.running, admission.queued, log) == (0, 0, ["first"])
