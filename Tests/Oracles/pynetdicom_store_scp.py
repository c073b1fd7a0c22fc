#!/usr/bin/env python3
"""Oracle peer: a pynetdicom Verification + Storage SCP on 127.0.0.1 that accepts every Storage
SOP Class it serves in every transfer syntax.

Usage: pynetdicom_store_scp.py PORT AE_TITLE OUT_DIR [--abort-on SOP_INSTANCE_UID]

Every association's calling AE title is appended to OUT_DIR/calling.log, one per line. Each
received object is written to OUT_DIR/<SOP Instance UID>.dcm. With --abort-on, the association
that carries that instance is aborted (A-ABORT) instead of answering its C-STORE. Prints
"ready" once listening; runs until killed.
"""
import os
import sys

from pynetdicom import AE, ALL_TRANSFER_SYNTAXES, AllStoragePresentationContexts, evt
from pynetdicom.sop_class import Verification


def main() -> int:
    port, ae_title, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    abort_on = sys.argv[sys.argv.index("--abort-on") + 1] if "--abort-on" in sys.argv else None
    os.makedirs(out, exist_ok=True)

    def on_requested(event):
        with open(os.path.join(out, "calling.log"), "a") as f:
            f.write(event.assoc.requestor.ae_title.strip() + "\n")

    def on_store(event):
        ds = event.dataset
        uid = str(ds.SOPInstanceUID)
        if uid == abort_on:
            event.assoc.abort()
            return 0xA700
        ds.file_meta = event.file_meta
        ds.save_as(os.path.join(out, uid + ".dcm"), enforce_file_format=True)
        return 0x0000

    ae = AE(ae_title=ae_title)
    # Every Storage SOP Class pynetdicom serves (it aborts on retired ones), in every transfer syntax.
    for cx in AllStoragePresentationContexts:
        ae.add_supported_context(cx.abstract_syntax, ALL_TRANSFER_SYNTAXES)
    ae.add_supported_context(Verification)
    handlers = [(evt.EVT_C_STORE, on_store), (evt.EVT_ESTABLISHED, on_requested)]
    server = ae.start_server(("127.0.0.1", port), block=False, evt_handlers=handlers)
    print("ready", flush=True)
    try:
        import time
        while True:
            time.sleep(3600)
    finally:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
