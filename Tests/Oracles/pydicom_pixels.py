#!/usr/bin/env python3
"""Reference pixel decoding by pydicom 3 (plugins: GDCM, pylibjpeg, pylibjpeg-libjpeg/-openjpeg/-rle).

Usage: pydicom_pixels.py OUTDIR [--plugin NAME] [--rgb] FILE...

For file number i, writes OUTDIR/i.json with {"path", "ok", "error"?, "dtype", "shape",
"photometric", "transfer_syntax", "plugin"} and OUTDIR/i.bin with the decoded array as raw
little-endian bytes (all frames, samples interleaved), as pydicom returns it with as_rgb=False
(no YCbCr conversion by pydicom; a JPEG decoder may still have converted, which "photometric"
then says). With --rgb, as_rgb=True: YCbCr is converted to RGB, so files that store the same
image in different colour spaces compare sample for sample.
"""
import json
import os
import sys
import warnings

import numpy as np
import pydicom
from pydicom.pixels import get_decoder
from pydicom.uid import ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian

warnings.simplefilter("ignore")
pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE


def main():
    out = sys.argv[1]
    args = sys.argv[2:]
    plugin = ""
    as_rgb = False
    while args and args[0] in ("--plugin", "--rgb"):
        if args[0] == "--plugin":
            plugin = args[1]
            args = args[2:]
        else:
            as_rgb = True
            args = args[1:]
    os.makedirs(out, exist_ok=True)
    for i, path in enumerate(args):
        rec = {"path": path, "ok": False}
        try:
            ds = pydicom.dcmread(path, force=True)
            if "TransferSyntaxUID" not in ds.file_meta:
                # No (0002,0010) (e.g. OT-PAL-8-face.dcm): the syntax pydicom read the data set in.
                implicit, little = ds.original_encoding
                ds.file_meta.TransferSyntaxUID = (ImplicitVRLittleEndian if implicit else
                                                  ExplicitVRLittleEndian if little else ExplicitVRBigEndian)
                rec["transfer_syntax_inferred"] = True
            ts = ds.file_meta.TransferSyntaxUID
            rec["transfer_syntax"] = str(ts)
            dec = get_decoder(ts)
            chosen = plugin if plugin in dec.available_plugins else ""
            arr, meta = dec.as_array(ds, as_rgb=as_rgb, decoding_plugin=chosen)
            arr = np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<")))
            rec["dtype"] = arr.dtype.str
            rec["shape"] = list(arr.shape)
            rec["photometric"] = str(meta.get("photometric_interpretation", ""))
            rec["plugin"] = chosen
            arr.tofile(os.path.join(out, f"{i}.bin"))
            rec["ok"] = True
        except Exception as e:  # noqa: BLE001 - reported to the test
            rec["error"] = f"{type(e).__name__}: {e}"
        with open(os.path.join(out, f"{i}.json"), "w") as f:
            json.dump(rec, f)


if __name__ == "__main__":
    main()
