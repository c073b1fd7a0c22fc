#!/usr/bin/env python3
"""Measure a non-interlaced 8/16-bit greyscale PNG with only the standard library, as an outside
check of Lightbox's film PNGs. Prints JSON: width, height, depth, sbit, distinct (number of distinct
sample values), and when there are at most 256 distinct values, boxes: {value: [x0, y0, x1, y1, count]}
(x1/y1 exclusive). Option --row N adds "row": the samples of row N.
Usage: png_measure.py IN.png [--row N]"""
import array, json, struct, sys, zlib

def rows(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    i, idat, ihdr, sbit = 8, [], None, None
    while i < len(data):
        n, = struct.unpack('>I', data[i:i + 4]); t = data[i + 4:i + 8]; body = data[i + 8:i + 8 + n]
        if zlib.crc32(t + body) != struct.unpack('>I', data[i + 8 + n:i + 12 + n])[0]:
            raise SystemExit('bad CRC in ' + t.decode())
        if t == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
        elif t == b'sBIT': sbit = body[0]
        elif t == b'IDAT': idat.append(body)
        i += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    assert interlace == 0 and ctype == 0 and depth in (8, 16), 'only non-interlaced 8/16-bit grey'
    bpp = depth // 8; stride = w * bpp
    raw = zlib.decompress(b''.join(idat))
    low = int.from_bytes(b'\x7f' * stride, 'big'); high = int.from_bytes(b'\x80' * stride, 'big')
    prev = bytes(stride)
    def out(line):
        a = array.array('H' if depth == 16 else 'B', line)
        if depth == 16 and sys.byteorder == 'little': a.byteswap()
        return a
    result = []
    for y in range(h):
        f = raw[y * (stride + 1)]; line = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if f == 2:   # Up: bytewise (line + prev) mod 256, eight bytes at a time in one big integer
            x, p = int.from_bytes(line, 'big'), int.from_bytes(prev, 'big')
            line = ((((x & low) + (p & low)) ^ ((x ^ p) & high))).to_bytes(stride, 'big')
        elif f != 0:
            b = bytearray(line)
            for k in range(stride):
                a = b[k - bpp] if k >= bpp else 0; u = prev[k]; c = prev[k - bpp] if k >= bpp else 0
                if f == 1: b[k] = (b[k] + a) & 255
                elif f == 3: b[k] = (b[k] + (a + u) // 2) & 255
                elif f == 4:
                    pa, pb, pc = abs(u - c), abs(a - c), abs(a + u - 2 * c)
                    b[k] = (b[k] + (a if pa <= pb and pa <= pc else u if pb <= pc else c)) & 255
            line = bytes(b)
        prev = line
        result.append(out(line))
    return w, h, depth, sbit, result

def main(argv):
    w, h, depth, sbit, rs = rows(argv[1])
    values = set()
    for r in rs: values.update(r)
    res = {'width': w, 'height': h, 'depth': depth, 'sbit': sbit, 'distinct': len(values)}
    if len(values) <= 256:
        boxes = {}
        for y, r in enumerate(rs):
            rev = r[::-1]
            for v in set(r):
                x0 = r.index(v); x1 = w - rev.index(v); n = r.count(v)
                b = boxes.get(v)
                if b is None: boxes[v] = [x0, y, x1, y + 1, n]
                else: b[0] = min(b[0], x0); b[2] = max(b[2], x1); b[3] = y + 1; b[4] += n
        res['boxes'] = {str(v): b for v, b in sorted(boxes.items())}
    if '--row' in argv: res['row'] = list(rs[int(argv[argv.index('--row') + 1])])
    print(json.dumps(res))

if __name__ == '__main__':
    main(sys.argv)
