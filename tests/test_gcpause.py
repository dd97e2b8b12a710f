"""The collector pause: nested and overlapping pauses re-enable the collector once, and only if it was on."""

from __future__ import annotations

import gc
import threading

from corevar.gcpause import paused


def test_pauses_nest_and_restore_the_collector() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the inner pause must not re-enable while the outer one holds"
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_still_restores_the_collector() -> None:
    try:
        with paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_overlapping_pauses_in_threads() -> None:
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    inside.wait(5)
    with paused():
        pass
    assert not gc.isenabled(), "the other thread still holds its pause"
    release.set()
    worker.join(5)
    assert gc.isenabled()
