#!/usr/bin/env python3
"""Independent UDF image checker (ECMA-167 3rd ed. + OSTA UDF 1.02-2.60).

Usage: udf_check.py IMAGE [--expect-revision 0x0250|0x0260|0x0201] [--json]
Exit 0 if every check passes, 1 otherwise (one line per problem on stderr).
Written from the ECMA-167 / OSTA UDF definitions; standard library only.
Sector / logical block size: 2048.
"""
import json
import struct
import sys

BS = 2048

# ---------------------------------------------------------------- CRC-ITU-T
_CRC_TABLE = []
for _i in range(256):
    _c = _i << 8
    for _ in range(8):
        _c = ((_c << 1) ^ 0x1021) if _c & 0x8000 else (_c << 1)
    _CRC_TABLE.append(_c & 0xFFFF)


def crc_itu(data):
    c = 0
    t = _CRC_TABLE
    for b in data:
        c = ((c << 8) & 0xFFFF) ^ t[((c >> 8) ^ b) & 0xFF]
    return c


assert crc_itu(b"\x70\x6a\x77") == 0x3299, "CRC self-test failed"

TAG_NAMES = {1: "PVD", 2: "AVDP", 3: "VDP", 4: "IUVD", 5: "PD", 6: "LVD", 7: "USD", 8: "TD",
             9: "LVID", 256: "FSD", 257: "FID", 258: "AED", 259: "IE", 260: "TE", 261: "FE",
             262: "EAHD", 263: "USE", 264: "SBD", 265: "PIE", 266: "EFE"}


def u8(b, o): return b[o]
def u16(b, o): return struct.unpack_from("<H", b, o)[0]
def u32(b, o): return struct.unpack_from("<I", b, o)[0]
def u64(b, o): return struct.unpack_from("<Q", b, o)[0]


def regid_ident(b, o):
    return bytes(b[o + 1:o + 24]).rstrip(b"\x00")


def cs0_decode(b):
    if not b:
        return ""
    cid = b[0]
    if cid == 8:
        return bytes(b[1:]).decode("latin-1")
    if cid == 16:
        if (len(b) - 1) % 2:
            raise ValueError("odd-length 16-bit CS0")
        return bytes(b[1:]).decode("utf-16-be")
    raise ValueError("CS0 compression id %d" % cid)


class Checker:
    def __init__(self, path, expect_rev=None):
        with open(path, "rb") as f:
            self.img = f.read()
        self.nsect = len(self.img) // BS
        self.expect_rev = expect_rev
        self.problems = []
        self.ndesc = 0
        self.tag_version = 3
        self.revision = None
        self.bridge = False
        self.parts = []          # by partition reference number
        self.claims = {}         # space -> list of (start, count, what)
        self.entries = {}        # (pref, lbn) -> info dict
        self.paths = {}
        self.nfiles = 0
        self.ndirs = 0
        self.bytes_total = 0
        self.vat = None
        self.max_uid = -1
        self.uids = {}

    # ------------------------------------------------------------ helpers
    def prob(self, msg):
        self.problems.append(msg)

    def sector(self, n):
        if n < 0 or n >= self.nsect:
            return None
        return self.img[n * BS:(n + 1) * BS]

    def claim(self, space, start, count, what):
        if count > 0:
            self.claims.setdefault(space, []).append((start, count, what))

    def check_tag(self, buf, off, loc, idents, where, avail=None):
        """Verify the 16-byte tag at buf[off]; returns tag ident or None."""
        self.ndesc += 1
        if avail is None:
            avail = len(buf) - off
        if avail < 16:
            self.prob("%s: descriptor truncated" % where)
            return None
        t = buf[off:off + 16]
        ident = u16(t, 0)
        if isinstance(idents, int):
            idents = (idents,)
        if idents and ident not in idents:
            self.prob("%s: tag identifier %d, expected %s" % (where, ident, "/".join(map(str, idents))))
            return None
        s = (sum(t[0:4]) + sum(t[5:16])) & 0xFF
        if s != t[4]:
            self.prob("%s: tag checksum 0x%02x, computed 0x%02x" % (where, t[4], s))
        ver = u16(t, 2)
        if ver != self.tag_version and not (self.tag_version == 2 and ver == 2):
            self.prob("%s: descriptor version %d, expected %d" % (where, ver, self.tag_version))
        crclen = u16(t, 10)
        if 16 + crclen > avail:
            self.prob("%s: CRC length %d exceeds descriptor space" % (where, crclen))
        else:
            c = crc_itu(buf[off + 16:off + 16 + crclen])
            if c != u16(t, 8):
                self.prob("%s: descriptor CRC 0x%04x, computed 0x%04x (CRC length %d)" % (where, u16(t, 8), c, crclen))
        if u32(t, 12) != loc:
            self.prob("%s: tag location %d, expected %d" % (where, u32(t, 12), loc))
        return ident

    # ------------------------------------------------- partition mapping
    def map_block(self, pref, lbn):
        """Map (partition ref, lbn) to an absolute sector, or None."""
        if pref >= len(self.parts) or self.parts[pref] is None:
            return None
        p = self.parts[pref]
        if lbn < 0 or lbn >= p["length"]:
            return None
        k = p["kind"]
        if k == "phys":
            return p["start"] + lbn
        if k == "spar":
            for orig, mapped, plen in p["remap"]:
                if orig <= lbn < orig + plen:
                    return mapped + (lbn - orig)
            return p["start"] + lbn
        if k == "meta":
            for mstart, plbn, cnt in p["map"]:
                if mstart <= lbn < mstart + cnt:
                    return self.map_block(p["phys"], plbn + lbn - mstart)
            return None
        if k == "virt":
            if lbn >= len(p["vat"]):
                return None
            v = p["vat"][lbn]
            if v == 0xFFFFFFFF:
                return None
            return self.map_block(p["phys"], v)
        return None

    def space_of(self, pref, lbn):
        """Overlap-check space and block for a partition block."""
        p = self.parts[pref] if pref < len(self.parts) else None
        if p is not None and p["kind"] == "meta":
            return ("meta%d" % pref, lbn)
        a = self.map_block(pref, lbn)
        return ("abs", a if a is not None else -1)

    def read_block(self, pref, lbn, where):
        a = self.map_block(pref, lbn)
        if a is None:
            self.prob("%s: block %d of partition ref %d is outside the partition/mapping" % (where, lbn, pref))
            return None
        s = self.sector(a)
        if s is None:
            self.prob("%s: sector %d is past the end of the image" % (where, a))
        return s

    # ---------------------------------------------------- Volume recognition
    def check_vrs(self):
        off = 32768
        seen = []
        while off + BS <= len(self.img) and len(seen) < 64:
            d = self.img[off:off + BS]
            sid = bytes(d[1:6])
            if sid == b"CD001":
                if d[0] == 1:
                    self.bridge = True
            elif sid not in (b"BEA01", b"NSR02", b"NSR03", b"TEA01", b"BOOT2", b"CDW02"):
                break
            seen.append(sid.decode())
            off += BS
        try:
            i = seen.index("BEA01")
        except ValueError:
            self.prob("VRS: no BEA01 descriptor")
            return None
        rest = seen[i + 1:]
        nsr = [x for x in rest if x.startswith("NSR")]
        if not nsr:
            self.prob("VRS: no NSR02/NSR03 descriptor after BEA01")
            return None
        if "TEA01" not in rest or rest.index("TEA01") < rest.index(nsr[0]):
            self.prob("VRS: no TEA01 after the NSR descriptor")
        if any(x != "CD001" for x in seen[:i]):
            self.prob("VRS: unexpected descriptors before BEA01: %s" % seen[:i])
        self.tag_version = 3 if nsr[0] == "NSR03" else 2
        return nsr[0]

    # --------------------------------------------------------- anchors/VDS
    def check_anchors(self):
        S = self.nsect
        cands = [("256", 256), ("N-256", S - 257), ("N", S - 1)]
        found = []
        for name, s in cands:
            d = self.sector(s)
            if d is None or s < 256 or u16(d, 0) != 2:
                continue
            if self.check_tag(d, 0, s, 2, "AVDP at sector %d" % s) == 2:
                found.append((name, s, bytes(d[16:32])))
                self.claim("abs", s, 1, "AVDP")
        # tolerate (but note) an anchor at sector count-256
        d = self.sector(S - 256)
        if d is not None and u16(d, 0) == 2 and all(f[1] != S - 256 for f in found):
            if self.check_tag(d, 0, S - 256, 2, "AVDP at sector %d" % (S - 256)) == 2:
                found.append(("count-256", S - 256, bytes(d[16:32])))
        if not any(f[1] == 256 for f in found):
            self.prob("AVDP: none at sector 256")
        self.anchor_count = len(found)
        if len(found) < 2:
            self.deferred_anchor_problem = ("AVDP: only %d anchor(s) found (ECMA-167 3/8.4.2.1 requires two of 256, N-256, N; last sector N=%d)" % (len(found), S - 1))
            # raised after the LVD is known: an unclosed VAT (sequential) disc may have one anchor
        if not found:
            return None
        for f in found[1:]:
            if f[2] != found[0][2]:
                self.prob("AVDP: anchors at %d and %d point to different sequences" % (found[0][1], f[1]))
        a = found[0][2]
        return (u32(a, 0), u32(a, 4)), (u32(a, 8), u32(a, 12))

    def walk_vds(self, ext, label):
        ln, loc = ext
        descs = []
        if ln < 16 * BS:
            self.prob("%s VDS: extent length %d is less than 16 sectors (UDF 2.2.3)" % (label, ln))
        hops = 0
        while True:
            n = ln // BS
            self.claim("abs", loc, n, "%s VDS" % label)
            nxt = None
            for s in range(loc, loc + n):
                d = self.sector(s)
                if d is None:
                    self.prob("%s VDS: sector %d outside image" % (label, s))
                    return descs
                ident = u16(d, 0)
                if ident == 0 and not any(d[:16]):
                    return descs
                where = "%s VDS %s at sector %d" % (label, TAG_NAMES.get(ident, str(ident)), s)
                r = self.check_tag(d, 0, s, (1, 3, 4, 5, 6, 7, 8), where)
                if r is None:
                    return descs
                if r == 8:
                    descs.append((8, 0, s, d))
                    return descs
                if r == 3:
                    nxt = (u32(d, 20), u32(d, 24))
                    break
                descs.append((r, u32(d, 16), s, d))
            else:
                return descs
            hops += 1
            if hops > 16 or nxt[0] == 0:
                return descs
            ln, loc = nxt

    # ---------------------------------------------------------------- main
    def run(self):
        nsr = self.check_vrs()
        if nsr is None:
            return
        anch = self.check_anchors()
        if anch is None:
            return
        main = self.walk_vds(anch[0], "main")
        rsv = self.walk_vds(anch[1], "reserve")
        km = sorted((t, v) for t, v, _, _ in main)
        kr = sorted((t, v) for t, v, _, _ in rsv)
        if km != kr:
            self.prob("VDS: main %s and reserve %s differ in descriptor types / sequence numbers" % (km, kr))
        if not main or main[-1][0] != 8:
            self.prob("main VDS: not terminated by a Terminating Descriptor")
        prevail = {}
        pds = {}
        for t, v, s, d in main:
            if t == 5:
                pn = u16(d, 22)
                if pn not in pds or v > pds[pn][0]:
                    pds[pn] = (v, d)
            elif t != 8:
                if t not in prevail or v >= prevail[t][0]:
                    prevail[t] = (v, d)
        for t, name in ((1, "Primary Volume Descriptor"), (4, "Implementation Use Volume Descriptor"),
                        (6, "Logical Volume Descriptor"), (7, "Unallocated Space Descriptor")):
            if t not in prevail:
                self.prob("main VDS: no %s" % name)
        if not pds:
            self.prob("main VDS: no Partition Descriptor")
        if 4 in prevail and regid_ident(prevail[4][1], 20) != b"*UDF LV Info":
            self.prob("IUVD: implementation identifier %r, expected '*UDF LV Info'" % regid_ident(prevail[4][1], 20))
        if 6 not in prevail:
            return
        self.check_lvd(prevail[6][1], pds, nsr)

    def check_pd(self, d, pn):
        start, length = u32(d, 188), u32(d, 192)
        cid = regid_ident(d, 24)
        if cid not in (b"+NSR02", b"+NSR03"):
            self.prob("PD %d: contents %r, expected +NSR02/+NSR03" % (pn, cid))
        if start + length > self.nsect:
            self.prob("PD %d: partition %d+%d extends past image end (%d sectors)" % (pn, start, length, self.nsect))
        return start, length

    def check_lvd(self, d, pds, nsr):
        if u32(d, 212) != BS:
            self.prob("LVD: logical block size %d, expected 2048" % u32(d, 212))
        if regid_ident(d, 216) != b"*OSTA UDF Compliant":
            self.prob("LVD: domain identifier %r" % regid_ident(d, 216))
        rev = u16(d, 216 + 24)
        self.revision = rev
        if self.expect_rev is not None and rev != self.expect_rev:
            self.prob("LVD: UDF revision 0x%04x, expected 0x%04x" % (rev, self.expect_rev))
        if rev >= 0x0200 and nsr != "NSR03":
            self.prob("VRS: %s with UDF revision 0x%04x (NSR03 required)" % (nsr, rev))
        if rev < 0x0200 and nsr != "NSR02":
            self.prob("VRS: %s with UDF revision 0x%04x (NSR02 expected)" % (nsr, rev))
        mtl, nmaps = u32(d, 264), u32(d, 268)
        off = 440
        maps = []
        for i in range(nmaps):
            if off + 2 > len(d):
                self.prob("LVD: partition maps overflow the descriptor")
                break
            mt, ml = d[off], d[off + 1]
            maps.append((mt, bytes(d[off:off + ml])))
            if ml == 0:
                self.prob("LVD: partition map %d has length 0" % i)
                break
            off += ml
        if off - 440 != mtl:
            self.prob("LVD: map table length %d, maps total %d" % (mtl, off - 440))
        self.parts = [None] * len(maps)
        # physical maps first
        physref = {}
        for i, (mt, m) in enumerate(maps):
            if mt == 1:
                pn = u16(m, 4)
                if pn not in pds:
                    self.prob("LVD: type 1 map %d references missing partition %d" % (i, pn))
                    continue
                st, ln = self.check_pd(pds[pn][1], pn)
                self.parts[i] = {"kind": "phys", "start": st, "length": ln, "num": pn, "pd": pds[pn][1]}
                physref[pn] = i
        meta_refs = []
        for i, (mt, m) in enumerate(maps):
            if mt == 1:
                continue
            if mt != 2 or len(m) != 64:
                self.prob("LVD: partition map %d type %d length %d unsupported" % (i, mt, len(m)))
                continue
            ident = regid_ident(m, 4)
            pn = u16(m, 38)
            if ident == b"*UDF Sparable Partition" and pn in pds:
                st, ln = self.check_pd(pds[pn][1], pn)
                self.parts[i] = {"kind": "phys", "start": st, "length": ln, "num": pn, "pd": pds[pn][1]}
                self.setup_sparable(i, m)
                continue
            if pn not in physref:
                self.prob("LVD: map %d (%r) references partition %d without a type 1 map" % (i, ident, pn))
                continue
            pr = physref[pn]
            if ident == b"*UDF Metadata Partition":
                meta_refs.append(i)
                self.parts[i] = {"kind": "meta", "phys": pr, "map": [], "length": 0,
                                 "loc": u32(m, 40), "mirror": u32(m, 44), "bitmap": u32(m, 48),
                                 "au": u32(m, 52), "align": u16(m, 56), "flags": m[58]}
            elif ident == b"*UDF Virtual Partition":
                self.parts[i] = {"kind": "virt", "phys": pr, "vat": [], "length": 0}
            else:
                self.prob("LVD: unknown type 2 partition map %r" % ident)
        if rev >= 0x0250 and not meta_refs and not any(p and p["kind"] in ("virt", "spar") for p in self.parts):
            self.prob("LVD: UDF 0x%04x volume without a Metadata Partition map" % rev)
        # bitmaps of physical partitions
        for i, p in enumerate(self.parts):
            if p and p["kind"] in ("phys", "spar"):
                self.claim_phys_space(i)
        for i in meta_refs:
            self.setup_metadata(i)
        for i, p in enumerate(self.parts):
            if p and p["kind"] == "virt":
                self.setup_vat(i)
        lvid = self.read_lvid(d)
        # FSD
        fl, flbn, fpref = u32(d, 248), u32(d, 252), u16(d, 256)
        if meta_refs and fpref not in meta_refs:
            self.prob("LVD: FSD is in partition ref %d, not the metadata partition" % fpref)
        root = self.check_fsd(fpref, flbn)
        if root is not None:
            self.walk_tree(root)
        self.check_overlaps()
        self.check_bitmaps()
        if getattr(self, "deferred_anchor_problem", None) and self.vat is None:
            self.prob(self.deferred_anchor_problem)
        if lvid is not None:
            self.check_lvid_counts(lvid)

    def setup_sparable(self, i, m):
        p = self.parts[i]
        p["kind"], p["remap"] = "spar", []
        plen, ntab, tsize = u16(m, 40), m[42], u32(m, 44)
        for k in range(ntab):
            loc = u32(m, 48 + 4 * k)
            nsec = (tsize + BS - 1) // BS
            raw = b"".join((self.sector(loc + j) or b"") for j in range(nsec))
            self.claim("abs", loc, nsec, "sparing table")
            if self.check_tag(raw, 0, loc, 0, "sparing table at sector %d" % loc) is None:
                continue
            if regid_ident(raw, 16) != b"*UDF Sparing Table":
                self.prob("sparing table at %d: identifier %r" % (loc, regid_ident(raw, 16)))
            if k == 0:
                n = u16(raw, 48)
                for e in range(n):
                    o, mp = u32(raw, 56 + 8 * e), u32(raw, 60 + 8 * e)
                    if o < 0xFFFFFFF0:
                        p["remap"].append((o, mp, plen))
                    if k == 0:
                        self.claim("abs", mp, plen, "sparing packet")

    def claim_phys_space(self, i):
        p = self.parts[i]
        phd = p["pd"][56:56 + 128]
        p["bitmap"] = None
        for off, name in ((0, "unallocated space table"), (8, "unallocated space bitmap"),
                          (32, "freed space bitmap"), (24, "freed space table")):
            ln, pos = u32(phd, off) & 0x3FFFFFFF, u32(phd, off + 4)
            if ln == 0:
                continue
            n = (ln + BS - 1) // BS
            self.claim("abs", p["start"] + pos, n, name)
            raw = b"".join((self.sector(p["start"] + pos + j) or b"") for j in range(n))
            if off in (0, 24):
                self.check_tag(raw, 0, pos, 263, "%s of partition %d (block %d)" % (name, p["num"], pos))
            elif off == 32:
                self.check_tag(raw, 0, pos, 264, "%s of partition %d (block %d)" % (name, p["num"], pos))
            if off == 8:
                if self.check_tag(raw, 0, pos, 264, "space bitmap of partition %d (block %d)" % (p["num"], pos)) == 264:
                    nbits, nbytes = u32(raw, 16), u32(raw, 20)
                    if nbits != p["length"]:
                        self.prob("space bitmap: %d bits for a %d-block partition" % (nbits, p["length"]))
                    p["bitmap"] = (raw[24:24 + nbytes], nbits)

    # ---------------------------------------------------------- file entries
    def read_fe(self, pref, lbn, where, types=None):
        d = self.read_block(pref, lbn, where)
        if d is None:
            return None
        t = self.check_tag(d, 0, lbn, (261, 266), "%s: file entry at block %d (partition ref %d, sector %d)" % (where, lbn, pref, self.map_block(pref, lbn)))
        if t is None:
            return None
        efe = t == 266
        if efe and self.revision is not None and self.revision < 0x0200:
            self.prob("%s: Extended File Entry in a UDF 0x%04x volume" % (where, self.revision))
        fe = {"efe": efe, "raw": d, "pref": pref, "lbn": lbn}
        fe["ftype"] = d[27]
        fe["strategy"] = u16(d, 20)
        fe["flags"] = u16(d, 34)
        fe["links"] = u16(d, 48)
        fe["infolen"] = u64(d, 56)
        if efe:
            fe["objsize"] = u64(d, 64)
            fe["lbr"] = u64(d, 72)
            fe["stream"] = (u32(d, 152), u32(d, 156), u16(d, 160))
            fe["uid"] = u64(d, 200)
            lea, lad, base = u32(d, 208), u32(d, 212), 216
        else:
            fe["lbr"] = u64(d, 64)
            fe["stream"] = (0, 0, 0)
            fe["uid"] = u64(d, 160)
            lea, lad, base = u32(d, 168), u32(d, 172), 176
        if base + lea + lad > BS:
            self.prob("%s: EA length %d + AD length %d overflow the block" % (where, lea, lad))
            return None
        if fe["strategy"] not in (4, 4096):
            self.prob("%s: ICB strategy type %d" % (where, fe["strategy"]))
        if types and fe["ftype"] not in types:
            self.prob("%s: ICB file type %d, expected %s" % (where, fe["ftype"], types))
        if lea >= 24:
            if u16(d, base) == 262:
                self.check_tag(d, base, lbn, 262, "%s: EA header descriptor" % where, avail=lea)
        fe["ad_area"] = d[base + lea:base + lea + lad]
        fe["ad_off"] = base + lea
        if efe and fe["objsize"] < fe["infolen"]:
            self.prob("%s: object size %d < information length %d" % (where, fe["objsize"], fe["infolen"]))
        return fe

    def extents(self, fe, where):
        """Return list of (etype, length, pref, lbn) and AED block count."""
        adt = fe["flags"] & 7
        out = []
        aed_blocks = 0
        if adt == 3:
            return None, 0
        if adt not in (0, 1):
            self.prob("%s: allocation descriptor type %d unsupported" % (where, adt))
            return [], 0
        area, pref = fe["ad_area"], fe["pref"]
        size = 8 if adt == 0 else 16
        hops = 0
        while True:
            cont = None
            for o in range(0, len(area) - size + 1, size):
                raw = u32(area, o)
                et, ln = raw >> 30, raw & 0x3FFFFFFF
                if adt == 0:
                    lbn, pr = u32(area, o + 4), pref
                else:
                    lbn, pr = u32(area, o + 4), u16(area, o + 8)
                if ln == 0:
                    break
                if et == 3:
                    cont = (ln, pr, lbn)
                    break
                out.append((et, ln, pr, lbn, bytes(area[o + 8:o + 16]) if adt == 1 else b""))
            if len(area) % size:
                self.prob("%s: allocation descriptor area length %d not a multiple of %d" % (where, len(area), size))
            if cont is None:
                break
            hops += 1
            if hops > 1000:
                self.prob("%s: allocation extent chain too long" % where)
                break
            ln, pr, lbn = cont
            d = self.read_block(pr, lbn, where + " AED")
            if d is None:
                break
            if self.check_tag(d, 0, lbn, 258, "%s: allocation extent descriptor at block %d" % (where, lbn)) is None:
                break
            aed_blocks += 1
            self.claim(*self.space_of(pr, lbn), 1, where + " AED")
            la = u32(d, 20)
            area = d[24:24 + min(la, BS - 24)]
            pref = pr
        return out, aed_blocks

    def check_extents(self, fe, exts, aed, where, claim=True):
        total = 0
        rec = alloc = 0
        last_alloc_tail = 0
        for k, (et, ln, pr, lbn, _iu) in enumerate(exts):
            if ln > 0x40000000 - BS:
                self.prob("%s: extent length %d exceeds 2^30-2048" % (where, ln))
            if k < len(exts) - 1 and ln % BS:
                self.prob("%s: non-final extent length %d not a multiple of the block size" % (where, ln))
            nb = (ln + BS - 1) // BS
            if et in (0, 1):
                p = self.parts[pr] if pr < len(self.parts) else None
                if p is None:
                    self.prob("%s: extent references unknown partition ref %d" % (where, pr))
                    continue
                if lbn + nb > p["length"]:
                    self.prob("%s: extent %d+%d blocks outside partition ref %d (length %d)" % (where, lbn, nb, pr, p["length"]))
                elif claim:
                    sp, st = self.space_of(pr, lbn)
                    if p["kind"] in ("phys", "meta"):
                        self.claim(sp, st, nb, where)
                    else:
                        for j in range(nb):
                            self.claim(*self.space_of(pr, lbn + j), 1, where)
                if et == 0:
                    rec += nb
                else:
                    alloc += nb
            total += ln
            last_alloc_tail = last_alloc_tail + ln if et == 1 else 0
        il = fe["infolen"]
        if not (total - last_alloc_tail <= il <= total) and not (total == il):
            self.prob("%s: information length %d vs extents total %d (trailing preallocated %d)" % (where, il, total, last_alloc_tail))
        if not (rec <= fe["lbr"] <= rec + alloc + aed):
            self.prob("%s: logical blocks recorded %d, extents give %d recorded (+%d allocated, +%d AED)" % (where, fe["lbr"], rec, alloc, aed))

    def read_content(self, fe, where, claim=True):
        """Return (bytes, blockmap) where blockmap maps byte offset // BS -> (pref, lbn)."""
        exts, aed = self.extents(fe, where)
        if exts is None:  # embedded
            if fe["lbr"] != 0:
                self.prob("%s: embedded data but logical blocks recorded = %d" % (where, fe["lbr"]))
            if len(fe["ad_area"]) != fe["infolen"]:
                self.prob("%s: embedded length %d != information length %d" % (where, len(fe["ad_area"]), fe["infolen"]))
            return bytes(fe["ad_area"]), None
        self.check_extents(fe, exts, aed, where, claim)
        parts = []
        bmap = []
        for et, ln, pr, lbn, _ in exts:
            nb = (ln + BS - 1) // BS
            for j in range(nb):
                take = min(BS, ln - j * BS)
                if et == 0:
                    a = self.map_block(pr, lbn + j)
                    s = self.sector(a) if a is not None else None
                    if s is None:
                        self.prob("%s: extent block %d (ref %d) unreadable" % (where, lbn + j, pr))
                        s = bytes(BS)
                else:
                    s = bytes(BS)
                parts.append(s[:take])
                bmap.append((pr, lbn + j))
        data = b"".join(parts)[:fe["infolen"]]
        return data, bmap

    # ---------------------------------------------------------- metadata
    def setup_metadata(self, i):
        p = self.parts[i]
        pr = p["phys"]
        res = {}
        for key, ft in (("loc", 250), ("mirror", 251)):
            loc = p[key]
            where = "metadata %s file" % ("main" if ft == 250 else "mirror")
            fe = self.read_fe(pr, loc, where, (ft,))
            if fe is None:
                continue
            self.claim("abs", self.parts[pr]["start"] + loc, 1, where + " FE")
            if fe["flags"] & 7 != 0:
                self.prob("%s: allocation descriptors are not short_ad" % where)
            exts, aed = self.extents(fe, where)
            if exts is None:
                self.prob("%s: embedded data" % where)
                continue
            dup = p["flags"] & 1
            self.check_extents(fe, exts, aed, where, claim=(ft == 250 or dup))
            if fe["infolen"] % BS:
                self.prob("%s: information length %d not a multiple of the block size" % (where, fe["infolen"]))
            m, pos = [], 0
            for et, ln, epr, lbn, _ in exts:
                nb = ln // BS
                if et == 0:
                    m.append((pos, lbn, nb))
                    if p["align"] and lbn % p["align"]:
                        self.prob("%s: extent at block %d not aligned to alignment unit %d" % (where, lbn, p["align"]))
                pos += nb
            res[ft] = (fe, exts, m, pos)
        if 250 in res:
            p["map"], p["length"] = res[250][2], res[250][3]
        elif 251 in res:
            self.prob("metadata partition: using the mirror file")
            p["map"], p["length"] = res[251][2], res[251][3]
        if 250 in res and 251 in res:
            if p["flags"] & 1:
                a = self.read_content(res[250][0], "metadata main file", claim=False)[0]
                b = self.read_content(res[251][0], "metadata mirror file", claim=False)[0]
                if a != b:
                    self.prob("metadata partition: main and mirror metadata files differ in content (duplicate flag set)")
            else:
                if [e[:4] for e in res[250][1]] != [e[:4] for e in res[251][1]]:
                    self.prob("metadata partition: mirror file extents differ from main (duplicate flag clear)")
        if p["bitmap"] != 0xFFFFFFFF:
            fe = self.read_fe(pr, p["bitmap"], "metadata bitmap file", (252,))
            if fe is not None:
                self.claim("abs", self.parts[pr]["start"] + p["bitmap"], 1, "metadata bitmap FE")
                data, _ = self.read_content(fe, "metadata bitmap file")
                if len(data) >= 24 and self.check_tag(data, 0, 0, 264, "metadata bitmap space bitmap") == 264:
                    p["sbd"] = (data[24:24 + u32(data, 20)], u32(data, 16))

    def setup_vat(self, i):
        p = self.parts[i]
        pr = p["phys"]
        ph = self.parts[pr]
        found = None
        for s in range(min(self.nsect, ph["start"] + ph["length"]) - 1, ph["start"] - 1, -1):
            d = self.img[s * BS:s * BS + 28]
            if u16(d, 0) in (261, 266) and d[27] == 248:
                found = s - ph["start"]
                break
        if found is None:
            self.prob("virtual partition: no VAT file entry (file type 248) found")
            return
        fe = self.read_fe(pr, found, "VAT", (248,))
        if fe is None:
            return
        self.claim("abs", ph["start"] + found, 1, "VAT FE")
        data, _ = self.read_content(fe, "VAT")
        if self.revision is not None and self.revision < 0x0200:
            hl, vat = 0, data[:-36]
            p["vat"] = [u32(vat, o) for o in range(0, len(vat) - 3, 4)]
            return
        hl = u16(data, 0)
        p["vathdr"] = {"files": u32(data, 136), "dirs": u32(data, 140), "minr": u16(data, 144),
                       "minw": u16(data, 146), "maxw": u16(data, 148)}
        vat = data[hl:]
        p["vat"] = [u32(vat, o) for o in range(0, len(vat) - 3, 4)]
        p["length"] = len(p["vat"])
        self.vat = p

    # ---------------------------------------------------------------- LVID
    def read_lvid(self, lvd):
        ln, loc = u32(lvd, 432), u32(lvd, 436)
        last = None
        hops = 0
        while ln:
            n = ln // BS
            self.claim("abs", loc, n, "LVID sequence")
            nxt = None
            for s in range(loc, loc + n):
                d = self.sector(s)
                if d is None or not any(d[:16]):
                    break
                t = self.check_tag(d, 0, s, (8, 9), "LVID sequence sector %d" % s)
                if t != 9:
                    break
                last = (s, d)
                nl, nloc = u32(d, 32), u32(d, 36)
                if nl:
                    nxt = (nl, nloc)
                    break
            hops += 1
            if nxt is None or hops > 16:
                break
            ln, loc = nxt
        if last is None:
            self.prob("LVID: no Logical Volume Integrity Descriptor")
            return None
        s, d = last
        itype = u32(d, 28)
        if itype != 1 and not (self.vat is not None and itype == 0):
            self.prob("LVID: integrity type %d, expected 1 (close)" % itype)
        np_, liu = u32(d, 72), u32(d, 76)
        if np_ != len(self.parts):
            self.prob("LVID: %d partitions, LVD has %d maps" % (np_, len(self.parts)))
        free = [u32(d, 80 + 4 * k) for k in range(np_)]
        size = [u32(d, 80 + 4 * np_ + 4 * k) for k in range(np_)]
        for k, p in enumerate(self.parts[:np_]):
            if p and p["kind"] in ("phys", "spar"):
                if size[k] != p["length"]:
                    self.prob("LVID: size table[%d] = %d, partition length %d" % (k, size[k], p["length"]))
                if free[k] > size[k]:
                    self.prob("LVID: free space[%d] = %d > size %d" % (k, free[k], size[k]))
            if p and p["kind"] == "virt" and (free[k], size[k]) != (0xFFFFFFFF, 0xFFFFFFFF):
                self.prob("LVID: virtual partition %d free/size entries %08x/%08x, expected FFFFFFFF (UDF 2.2.6.2)" % (k, free[k], size[k]))
        iu = 80 + 8 * np_
        if liu < 46:
            self.prob("LVID: implementation use length %d < 46" % liu)
            return None
        info = {"uidnext": u64(d, 40), "files": u32(d, iu + 32), "dirs": u32(d, iu + 36),
                "minr": u16(d, iu + 40), "minw": u16(d, iu + 42), "maxw": u16(d, iu + 44),
                "free": free, "type": itype}
        if self.vat is not None and "vathdr" in self.vat:
            info.update(self.vat["vathdr"])
        if not (info["minr"] <= info["minw"] <= info["maxw"]):
            self.prob("LVID: revisions min read 0x%04x, min write 0x%04x, max write 0x%04x not ordered" % (info["minr"], info["minw"], info["maxw"]))
        if self.revision is not None and info["maxw"] < self.revision:
            self.prob("LVID: max write revision 0x%04x < domain revision 0x%04x" % (info["maxw"], self.revision))
        if self.revision is not None and info["minr"] > self.revision:
            self.prob("LVID: min read revision 0x%04x > domain revision 0x%04x" % (info["minr"], self.revision))
        return info

    def check_lvid_counts(self, info):
        if info.get("type") == 1:
            for k, p in enumerate(self.parts):
                if p and "freebits" in p and k < len(info["free"]) and info["free"][k] != p["freebits"]:
                    self.prob("LVID: free space[%d] = %d, space bitmap has %d free blocks" % (k, info["free"][k], p["freebits"]))
        if info["files"] != self.nfiles:
            self.prob("LVID: number of files %d, tree has %d" % (info["files"], self.nfiles))
        if info["dirs"] != self.ndirs:
            self.prob("LVID: number of directories %d, tree has %d (root included)" % (info["dirs"], self.ndirs))
        if info.get("type") == 1 or self.vat is None:
            if self.max_uid >= 0 and info["uidnext"] <= self.max_uid:
                self.prob("LVID: LVHD unique ID %d not greater than largest used unique ID %d" % (info["uidnext"], self.max_uid))

    # ---------------------------------------------------------------- FSD
    def check_fsd(self, pref, lbn):
        d = self.read_block(pref, lbn, "FSD")
        if d is None:
            return None
        self.claim(*self.space_of(pref, lbn), 1, "FSD")
        if self.check_tag(d, 0, lbn, 256, "FSD at block %d (partition ref %d, sector %d)" % (lbn, pref, self.map_block(pref, lbn))) != 256:
            return None
        if regid_ident(d, 416) != b"*OSTA UDF Compliant":
            self.prob("FSD: domain identifier %r" % regid_ident(d, 416))
        elif self.revision is not None and u16(d, 416 + 24) != self.revision:
            self.prob("FSD: domain revision 0x%04x != LVD 0x%04x" % (u16(d, 416 + 24), self.revision))
        nxt = self.map_block(pref, lbn + 1)
        if nxt is not None and self.sector(nxt) is not None:
            t = self.sector(nxt)
            if u16(t, 0) == 8:
                self.check_tag(t, 0, lbn + 1, 8, "FSD terminating descriptor at block %d" % (lbn + 1))
                self.claim(*self.space_of(pref, lbn + 1), 1, "FSD TD")
        ssl = u32(d, 464)
        if ssl:
            self.read_fe(u16(d, 472), u32(d, 468), "system stream directory", (13,))
        rl = u32(d, 400) & 0x3FFFFFFF
        if rl == 0:
            self.prob("FSD: root directory ICB length 0")
            return None
        return (u16(d, 408), u32(d, 404))

    # --------------------------------------------------------------- tree
    def walk_tree(self, root):
        # entries: key -> {"fe":..., "refs": n, "dir": bool}
        stack = [(root, "", None)]
        self.entries[root] = {"refs": 0, "fe": None}
        first = True
        while stack:
            key, path, parent = stack.pop()
            where = "/" + path if path else "root directory"
            fe = self.read_fe(key[0], key[1], where)
            ent = self.entries[key]
            ent["fe"] = fe
            if fe is None:
                continue
            self.claim(*self.space_of(key[0], key[1]), 1, where + " FE")
            uid = fe["uid"]
            if first:
                if uid != 0:
                    self.prob("root directory: unique ID %d, expected 0" % uid)
                first = False
            if uid in self.uids and self.uids[uid] != key:
                self.prob("%s: unique ID %d already used by the entry at block %d" % (where, uid, self.uids[uid][1]))
            self.uids[uid] = key
            self.max_uid = max(self.max_uid, uid)
            if fe["stream"][0]:
                self.read_fe(fe["stream"][2], fe["stream"][1], where + " stream directory", (13,))
            metas = [k for k, q in enumerate(self.parts) if q and q["kind"] == "meta"]
            if metas and key[0] not in metas:
                self.prob("%s: file entry in partition ref %d, not in the metadata partition (UDF 2.3.6)" % (where, key[0]))
            if fe["ftype"] == 4:
                self.ndirs += 1
                self.walk_dir(key, fe, path, parent, stack, where)
            else:
                self.nfiles += 1
                self.read_content_lazy(fe, where)
                self.paths[path] = fe["infolen"]
                self.bytes_total += fe["infolen"]
        for key, ent in self.entries.items():
            fe = ent["fe"]
            if fe is not None and fe["links"] != ent["refs"]:
                self.prob("entry at block %d: file link count %d, %d FIDs reference it" % (key[1], fe["links"], ent["refs"]))

    def read_content_lazy(self, fe, where):
        exts, aed = self.extents(fe, where)
        if exts is None:
            if fe["lbr"] != 0:
                self.prob("%s: embedded data but logical blocks recorded = %d" % (where, fe["lbr"]))
            if len(fe["ad_area"]) != fe["infolen"]:
                self.prob("%s: embedded length %d != information length %d" % (where, len(fe["ad_area"]), fe["infolen"]))
            return True
        self.check_extents(fe, exts, aed, where)
        return True

    def walk_dir(self, key, fe, path, parent, stack, where):
        data, bmap = self.read_content(fe, where)
        metas = [k for k, q in enumerate(self.parts) if q and q["kind"] == "meta"]
        if metas and bmap and any(b[0] not in metas for b in bmap):
            self.prob("%s: directory data outside the metadata partition (UDF 2.3.6)" % where)
        off = 0
        names = set()
        idx = 0
        while off < len(data):
            if len(data) - off < 38:
                self.prob("%s: trailing %d bytes after last FID" % (where, len(data) - off))
                break
            loc = key[1] if bmap is None else bmap[off // BS][1]
            lfi, liu = data[off + 19], u16(data, off + 36)
            raw_len = 38 + liu + lfi
            tot = (raw_len + 3) & ~3
            fwhere = "%s: FID #%d at offset %d (block %d)" % (where, idx, off, loc)
            t = self.check_tag(data, off, loc, 257, fwhere, avail=min(tot, len(data) - off))
            if t is None:
                break
            crcl = u16(data, off + 10)
            if crcl not in (raw_len - 16, tot - 16):
                self.prob("%s: CRC length %d, FID length %d (padded %d)" % (fwhere, crcl, raw_len, tot))
            if off + tot > len(data):
                self.prob("%s: FID runs past directory end" % fwhere)
                break
            if any(data[off + raw_len:off + tot]):
                self.prob("%s: non-zero padding" % fwhere)
            ch = data[off + 18]
            icb = data[off + 20:off + 36]
            ilen, ilbn, ipref = u32(icb, 0) & 0x3FFFFFFF, u32(icb, 4), u16(icb, 8)
            iuid = u32(icb, 12)
            name_raw = data[off + 38 + liu:off + raw_len]
            is_parent, is_dir, deleted = ch & 8, ch & 2, ch & 4
            if idx == 0 and not is_parent:
                self.prob("%s: first FID is not the parent FID" % fwhere)
            if idx > 0 and is_parent:
                self.prob("%s: parent FID not in first position" % fwhere)
            off += tot
            idx += 1
            if deleted:
                continue
            if is_parent:
                if lfi:
                    self.prob("%s: parent FID has a name" % fwhere)
                if not is_dir:
                    self.prob("%s: parent FID lacks the directory bit" % fwhere)
                exp = parent if parent is not None else key
                if (ipref, ilbn) != exp:
                    self.prob("%s: parent FID points to block %d, expected %d" % (fwhere, ilbn, exp[1]))
                tgt = (ipref, ilbn)
                if tgt in self.entries:
                    self.entries[tgt]["refs"] += 1
                    pfe = self.entries[tgt]["fe"]
                    if pfe is not None and iuid != (pfe["uid"] & 0xFFFFFFFF):
                        self.prob("%s: ICB UDF unique ID %d != parent entry unique ID %d" % (fwhere, iuid, pfe["uid"]))
                continue
            try:
                name = cs0_decode(name_raw)
            except (ValueError, UnicodeDecodeError) as e:
                self.prob("%s: bad CS0 name: %s" % (fwhere, e))
                name = name_raw.hex()
            if lfi == 1:
                self.prob("%s: file identifier length 1 (UDF 2.3.4.6)" % fwhere)
            if not name:
                self.prob("%s: empty file identifier" % fwhere)
            if name in names:
                self.prob("%s: duplicate name %r" % (fwhere, name))
            names.add(name)
            if ilen == 0:
                self.prob("%s: ICB extent length 0" % fwhere)
                continue
            tgt = (ipref, ilbn)
            cpath = path + "/" + name if path else name
            if tgt in self.entries:
                self.entries[tgt]["refs"] += 1
                ofe = self.entries[tgt]["fe"]
                if ofe is not None and iuid != (ofe["uid"] & 0xFFFFFFFF):
                    self.prob("%s: ICB UDF unique ID %d != entry unique ID %d" % (fwhere, iuid, ofe["uid"]))
                if is_dir:
                    self.prob("%s: directory hard link / loop to block %d" % (fwhere, ilbn))
                continue
            self.entries[tgt] = {"refs": 1, "fe": None, "fid_uid": iuid, "isdir": bool(is_dir), "fwhere": fwhere}
            cfe = self.peek_fe(tgt)
            if cfe is not None:
                if iuid != (cfe[0] & 0xFFFFFFFF):
                    self.prob("%s: ICB UDF unique ID %d != entry unique ID %d" % (fwhere, iuid, cfe[0]))
                if bool(is_dir) != (cfe[1] == 4):
                    self.prob("%s: directory characteristic %d but ICB file type %d" % (fwhere, bool(is_dir), cfe[1]))
                if cfe[0] < 16 and self.revision is not None and self.revision >= 0x0200:
                    self.prob("%s: unique ID %d is in the reserved range 1-15" % (fwhere, cfe[0]))
            stack.append((tgt, cpath, key if is_dir else None))
        if idx == 0:
            self.prob("%s: directory has no parent FID" % where)

    def peek_fe(self, key):
        a = self.map_block(*key)
        s = self.sector(a) if a is not None else None
        if s is None or u16(s, 0) not in (261, 266):
            return None
        return (u64(s, 200) if u16(s, 0) == 266 else u64(s, 160), s[27])

    # ----------------------------------------------------------- overlaps
    def check_overlaps(self):
        for sp, lst in self.claims.items():
            lst = sorted(lst)
            end, ewhat = -1, None
            for st, n, what in lst:
                if st < end:
                    self.prob("overlap in %s space: %s (block %d, %d blocks) overlaps %s" % (sp, what, st, n, ewhat))
                if st + n > end:
                    end, ewhat = st + n, what

    def check_bitmaps(self):
        for i, p in enumerate(self.parts):
            if not p or p["kind"] not in ("phys", "spar") or not p.get("bitmap"):
                continue
            bm, nbits = p["bitmap"]
            start = p["start"]
            for st, n, what in self.claims.get("abs", []):
                for b in range(st, st + n):
                    r = b - start
                    if 0 <= r < nbits and r // 8 < len(bm) and (bm[r // 8] >> (r % 8)) & 1:
                        self.prob("space bitmap: used block %d (%s) marked free" % (r, what))
                        break
            p["freebits"] = sum(bin(x).count("1") for x in bm[:(nbits + 7) // 8])

    # -------------------------------------------------------------- report
    def report(self):
        return {"revision": "0x%04x" % self.revision if self.revision is not None else None,
                "files": self.nfiles, "directories": self.ndirs, "directories_include_root": True,
                "root": self.ndirs > 0,
                "descriptors_checked": self.ndesc, "bytes_total": self.bytes_total,
                "paths": dict(sorted(self.paths.items())), "bridge_iso9660": self.bridge,
                "problems": self.problems}


def main(argv):
    args = argv[1:]
    js = "--json" in args
    args = [a for a in args if a != "--json"]
    exp = None
    if "--expect-revision" in args:
        k = args.index("--expect-revision")
        exp = int(args[k + 1], 16)
        del args[k:k + 2]
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    c = Checker(args[0], exp)
    try:
        c.run()
    except Exception as e:  # malformed structure: report, do not crash
        c.prob("checker aborted: %s: %s" % (type(e).__name__, e))
    if js:
        print(json.dumps(c.report(), indent=1))
    for p in c.problems:
        sys.stderr.write(p + "\n")
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
