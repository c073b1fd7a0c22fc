"""pynetdicom 3.0.4's association reactor can swallow a DIMSE response under load; an SCU that
expects no requests from its peer parks the reactor with `ReactorGate.park(assoc)` and calls
`gate.open()` before A-RELEASE or A-ABORT. Shared by Tests/Oracles/pynetdicom_print_scu.py and
scripts/bench_print_scu.py."""
import threading
import time


class ReactorGate(threading.Event):
    """Keeps pynetdicom's association reactor parked while this SCU sends its requests.

    pynetdicom 3.0 pauses the reactor in every send_*() by clearing `_reactor_checkpoint` and
    polling `_is_paused`; but right after the previous send_*() set the checkpoint again, a
    reactor thread that has not run yet still shows `_is_paused == True`, so the next request goes
    out unpaused. When its response arrives before the reactor has looped, the reactor's
    `dimse.get_msg(block=False)` takes it, drops it as an "unexpected" message (logged only at
    WARNING into pynetdicom's NullHandler) and send_*() waits out the DIMSE timeout. 16 SCUs on 2
    cores hit this in about every second run. An SCU that expects no requests from the SCP (no
    Print Job context, so no N-EVENT-REPORT) does not need the reactor: it stays parked on this
    gate until `open()` before A-RELEASE."""

    def __init__(self):
        super().__init__()
        self.held = True

    def set(self):
        if not self.held:
            super().set()

    def open(self):
        self.held = False
        super().set()

    @classmethod
    def park(cls, assoc, timeout=60.0):
        gate = cls()
        assoc._reactor_checkpoint = gate
        deadline = time.monotonic() + timeout
        while len(gate._cond._waiters) == 0:  # the reactor thread is blocked in gate.wait()
            if time.monotonic() > deadline or not assoc.is_established:
                raise RuntimeError("pynetdicom's reactor did not park")
            time.sleep(0.0005)
        return gate
