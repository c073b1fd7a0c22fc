#!/usr/bin/env python3
"""Decode a non-interlaced 8/16-bit grey or 8-bit RGB PNG with only the standard library (zlib)
and write it as binary PGM/PPM, so Lightbox's PNG output can be compared with dcmj2pnm +op.
Usage: png_to_pnm.py IN.png OUT.pnm"""
import struct, sys, zlib

def main(src, dst):
    data = open(src, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    i, idat, ihdr = 8, b'', None
    while i < len(data):
        n, = struct.unpack('>I', data[i:i + 4]); t = data[i + 4:i + 8]; body = data[i + 8:i + 8 + n]
        if zlib.crc32(t + body) != struct.unpack('>I', data[i + 8 + n:i + 12 + n])[0]:
            raise SystemExit('bad CRC in ' + t.decode())
        if t == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
        elif t == b'IDAT': idat += body
        i += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    assert interlace == 0 and ctype in (0, 2) and depth in (8, 16)
    bpp = (3 if ctype == 2 else 1) * depth // 8
    raw = zlib.decompress(idat); stride = w * bpp
    out, prev = bytearray(), bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line; prev = line
    magic = 'P6' if ctype == 2 else 'P5'
    open(dst, 'wb').write(f'{magic}\n{w} {h}\n{(1 << depth) - 1}\n'.encode() + bytes(out))

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
