// Lightbox — strict marker walk of an HTJ2K codestream; see CodestreamWalk.h.
#include "CodestreamWalk.h"
#include "Messages.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace lightbox_ojph {

namespace {

uint16_t be16(const uint8_t *p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t *p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

std::string hex(uint16_t marker) {
    char buf[8];
    snprintf(buf, sizeof buf, "0x%04X", marker);
    return buf;
}

/// One QCD or QCC (§A.6.4, §A.6.5): guard bits and the largest exponent ε_b.
struct Quantisation {
    bool present = false;
    int style = 0;
    int guard = 0;
    uint32_t entries = 0;
    int max_exponent = 0;
};

Quantisation read_quantisation(const uint8_t *p, size_t len, const char *name) {
    if (len < 1) refuse(LB_OJPH_CORRUPT, std::string(name) + " is empty");
    Quantisation q;
    q.present = true;
    q.style = p[0] & 0x1F;
    q.guard = p[0] >> 5;
    size_t body = len - 1;
    if (q.style == 0) {
        q.entries = uint32_t(body);
        for (size_t i = 0; i < body; ++i) q.max_exponent = std::max(q.max_exponent, int(p[1 + i] >> 3));
    } else if (q.style == 2) {
        if (body % 2) refuse(LB_OJPH_CORRUPT, std::string(name) + " has an odd length");
        q.entries = uint32_t(body / 2);
        for (size_t i = 0; i < body / 2; ++i) q.max_exponent = std::max(q.max_exponent, int(p[1 + 2 * i] >> 3));
    } else {
        refuse(LB_OJPH_UNSUPPORTED, std::string(name) + " uses scalar derived quantisation");
    }
    return q;
}

}  // namespace

CodestreamFacts walk_codestream(const uint8_t *d, size_t n, uint64_t max_samples) {
    CodestreamFacts h;
    if (n < 4 || be16(d) != 0xFF4F) refuse(LB_OJPH_UNSUPPORTED, "not a raw codestream (no SOC marker at the start)");
    if (be16(d + 2) != 0xFF51) refuse(LB_OJPH_CORRUPT, "SIZ does not follow SOC");
    // EOC at the end, after any padding to an even length (PS3.5 §A.4): without it the stream is
    // truncated, and what OpenJPEG makes of that is the reference.
    size_t eoc = n;
    while (eoc > 4 && d[eoc - 1] == 0) --eoc;
    if (eoc < 6 || be16(d + eoc - 2) != 0xFFD9) refuse(LB_OJPH_UNSUPPORTED, "the codestream does not end with EOC (truncated?)");
    eoc -= 2;

    size_t pos = 4;  // at a marker segment's length field
    auto segment = [&](uint16_t marker) -> size_t {
        if (pos + 2 > eoc) refuse(LB_OJPH_CORRUPT, "marker " + hex(marker) + " runs past the end");
        size_t len = be16(d + pos);
        if (len < 2 || pos + len > eoc) refuse(LB_OJPH_CORRUPT, "marker " + hex(marker) + " runs past the end");
        return len;
    };

    // SIZ (§A.5.1)
    size_t len = segment(0xFF51);
    if (len < 41) refuse(LB_OJPH_CORRUPT, "SIZ is too short");
    const uint8_t *s = d + pos + 2;
    uint16_t rsiz = be16(s);
    h.x = be32(s + 2); h.y = be32(s + 6); h.x0 = be32(s + 10); h.y0 = be32(s + 14);
    h.tx = be32(s + 18); h.ty = be32(s + 22); h.tx0 = be32(s + 26); h.ty0 = be32(s + 30);
    h.components = be16(s + 34);
    if (h.components == 0 || len != 38 + 3 * size_t(h.components)) refuse(LB_OJPH_CORRUPT, "SIZ length does not match Csiz");
    if (!(rsiz & 0x4000)) refuse(LB_OJPH_UNSUPPORTED, "Rsiz lacks the HTJ2K capability bit (a Part 1 codestream)");
    if (h.x <= h.x0 || h.y <= h.y0 || h.tx == 0 || h.ty == 0 || h.tx0 > h.x0 || h.ty0 > h.y0
        || uint64_t(h.tx0) + h.tx <= h.x0 || uint64_t(h.ty0) + h.ty <= h.y0)
        refuse(LB_OJPH_CORRUPT, "SIZ image or tile geometry is invalid");
    if (h.x0 || h.y0 || h.tx0 || h.ty0) refuse(LB_OJPH_UNSUPPORTED, "image or tile offsets");
    // OpenJPH 0.9 reads sizes of 2^31 and more as negative and dereferences a null tile (found by
    // make fuzz); such tiles are legal but only ever mean "one tile".
    if (h.x >= 0x80000000u || h.y >= 0x80000000u || h.tx >= 0x80000000u || h.ty >= 0x80000000u)
        refuse(LB_OJPH_UNSUPPORTED, "an image or tile size of 2^31 or more");
    if (h.components > 4) refuse(LB_OJPH_UNSUPPORTED, std::to_string(h.components) + " components");
    if (uint64_t(h.width()) * h.height() * h.components > max_samples)
        refuse(LB_OJPH_TOO_LARGE, "a frame of " + std::to_string(h.width()) + "x" + std::to_string(h.height()) + "x"
                                      + std::to_string(h.components) + " samples is too large");
    uint64_t across = (uint64_t(h.x) - h.tx0 + h.tx - 1) / h.tx, down = (uint64_t(h.y) - h.ty0 + h.ty - 1) / h.ty;
    if (across * down > 65535) refuse(LB_OJPH_CORRUPT, "more than 65535 tiles");
    h.tiles = uint32_t(across * down);
    for (uint32_t c = 0; c < h.components; ++c) {
        uint8_t ssiz = s[36 + 3 * c], dx = s[37 + 3 * c], dy = s[38 + 3 * c];
        uint32_t depth = (ssiz & 0x7Fu) + 1u;
        bool sgn = (ssiz & 0x80) != 0;
        if (dx != 1 || dy != 1) refuse(LB_OJPH_UNSUPPORTED, "component " + std::to_string(c) + " is subsampled");
        if (depth > 16) refuse(LB_OJPH_UNSUPPORTED, std::to_string(depth) + "-bit samples (OpenJPH is used up to 16 bits)");
        if (c == 0) { h.bit_depth = depth; h.is_signed = sgn; }
        else if (depth != h.bit_depth || sgn != h.is_signed) refuse(LB_OJPH_UNSUPPORTED, "components differ in precision or sign");
    }
    pos += len;

    // The rest of the main header (§A.6), up to the first SOT.
    bool have_cod = false;
    uint32_t cb_area = 0;
    Quantisation qcd, qcc[4];
    for (;;) {
        if (pos + 2 > eoc) refuse(LB_OJPH_CORRUPT, "the main header has no SOT");
        uint16_t marker = be16(d + pos);
        if (marker == 0xFF90) break;
        pos += 2;
        len = segment(marker);
        const uint8_t *p = d + pos + 2;
        size_t body = len - 2;
        switch (marker) {
        case 0xFF52: {  // COD
            if (body < 10) refuse(LB_OJPH_CORRUPT, "COD is too short");
            uint8_t scod = p[0], progression = p[1], mct = p[4], xcb = p[6], ycb = p[7], style = p[8], transform = p[9];
            uint16_t layers = be16(p + 2);
            h.decompositions = p[5];
            if (scod & ~0x07) refuse(LB_OJPH_UNSUPPORTED, "Part 2 coding style options");
            if (progression > 4) refuse(LB_OJPH_CORRUPT, "unknown progression order " + std::to_string(progression));
            if (h.decompositions > 32) refuse(LB_OJPH_CORRUPT, "more than 32 decomposition levels");
            if (xcb > 8 || ycb > 8 || xcb + ycb > 8) refuse(LB_OJPH_CORRUPT, "invalid code-block size");
            if (body != 10 + ((scod & 1) ? size_t(h.decompositions) + 1 : 0)) refuse(LB_OJPH_CORRUPT, "COD length does not match its precincts");
            // OpenJPH 0.9 decodes some streams with explicit precinct sizes wrongly, without an error.
            if (scod & 1) refuse(LB_OJPH_UNSUPPORTED, "explicit precinct sizes");
            if (layers != 1) refuse(LB_OJPH_UNSUPPORTED, std::to_string(layers) + " quality layers");
            if ((style & 0xC0) != 0x40) refuse(LB_OJPH_UNSUPPORTED, "code-blocks are not all HT (ISO/IEC 15444-15 mixed or Part 1)");
            // What the tests here cannot produce (OpenJPH's encoder writes neither) goes to OpenJPEG:
            // SOP/EPH markers and code-block style options such as vertically causal contexts.
            if (scod & 0x06) refuse(LB_OJPH_UNSUPPORTED, "SOP or EPH markers");
            if (style != 0x40) refuse(LB_OJPH_UNSUPPORTED, "code-block style options");
            if (transform > 1) refuse(LB_OJPH_UNSUPPORTED, "a Part 2 wavelet kernel");
            if (mct > 1) refuse(LB_OJPH_UNSUPPORTED, "a Part 2 multiple-component transform");
            if (mct == 1 && h.components < 3) refuse(LB_OJPH_CORRUPT, "a colour transform needs three components");
            cb_area = 1u << (xcb + ycb + 4);
            h.reversible = transform == 1;
            h.color_transform = mct == 1;
            have_cod = true;
            break;
        }
        case 0xFF5C:  // QCD
            qcd = read_quantisation(p, body, "QCD");
            break;
        case 0xFF5D: {  // QCC
            size_t ci = h.components < 257 ? 1 : 2;
            if (body < ci + 1) refuse(LB_OJPH_CORRUPT, "QCC is too short");
            uint32_t c = ci == 1 ? p[0] : be16(p);
            if (c >= h.components) refuse(LB_OJPH_CORRUPT, "QCC names a component that does not exist");
            qcc[c] = read_quantisation(p + ci, body - ci, "QCC");
            break;
        }
        case 0xFF50: case 0xFF56: case 0xFF59:              // CAP, PRF, CPF
        case 0xFF55: case 0xFF57: case 0xFF63: case 0xFF64:  // TLM, PLM, CRG, COM
            break;
        case 0xFF53: refuse(LB_OJPH_UNSUPPORTED, "COC (OpenJPH 0.9 ignores it)");
        case 0xFF5E: refuse(LB_OJPH_UNSUPPORTED, "RGN (OpenJPH 0.9 ignores it)");
        case 0xFF5F: refuse(LB_OJPH_UNSUPPORTED, "POC (OpenJPH 0.9 ignores it)");
        case 0xFF60: refuse(LB_OJPH_UNSUPPORTED, "PPM (OpenJPH 0.9 ignores it)");
        default: refuse(LB_OJPH_CORRUPT, "unexpected marker " + hex(marker) + " in the main header");
        }
        pos += len;
    }
    if (!have_cod || !qcd.present) refuse(LB_OJPH_CORRUPT, "the main header lacks COD or QCD");
    // OpenJPH 0.9 decodes some tiles narrower or shorter than 2^levels (empty low resolutions)
    // wrongly, without an error. With no offsets the smallest tile is a full one or the last
    // column's or row's remainder.
    uint32_t min_w = std::min(h.tx, h.x), min_h = std::min(h.ty, h.y);
    if (h.x % h.tx) min_w = std::min(min_w, h.x % h.tx);
    if (h.y % h.ty) min_h = std::min(min_h, h.y % h.ty);
    if ((uint64_t(min_w) >> h.decompositions) == 0 || (uint64_t(min_h) >> h.decompositions) == 0)
        refuse(LB_OJPH_UNSUPPORTED, "a tile of " + std::to_string(min_w) + "x" + std::to_string(min_h) + " samples has fewer than 2^"
                                        + std::to_string(h.decompositions) + " in a dimension");
    // OpenJPH 0.9 asserts when QCD lists fewer subbands than COD's levels need, and its 32-bit
    // code-block path drops refinement passes without an error once Kmax reaches 30.
    for (int c = -1; c < int(h.components); ++c) {
        const Quantisation &q = c < 0 ? qcd : qcc[c];
        if (!q.present) continue;
        if (q.entries != 3 * h.decompositions + 1) refuse(LB_OJPH_UNSUPPORTED, "QCD/QCC lists a different number of subbands than COD's levels need");
        if ((q.style == 0) != h.reversible) refuse(LB_OJPH_UNSUPPORTED, "the quantisation style does not match the wavelet");
        if (q.guard + q.max_exponent - 1 > 29) refuse(LB_OJPH_UNSUPPORTED, "Kmax above 29 (beyond OpenJPH 0.9's 32-bit code-block path)");
    }

    // OpenJPH 0.9 allocates every tile's structures before decoding the first: per tile,
    // component and subband a row of code-block buffers (up to 16 KiB each), and a header per
    // code-block. Many small tiles (up to 65535) would cost gigabytes; leave those to OpenJPEG.
    const uint64_t samples = uint64_t(h.width()) * h.height() * h.components;
    const uint64_t subbands = uint64_t(h.tiles) * h.components * (3 * h.decompositions + 1);
    const uint64_t internal = subbands * 4 * cb_area + (samples / cb_area + subbands) * 64;
    if (internal > (uint64_t(64) << 20) + 4 * samples)
        refuse(LB_OJPH_UNSUPPORTED, std::to_string(h.tiles) + " tiles of " + std::to_string(h.components)
                                        + " components would need about " + std::to_string(internal >> 20) + " MiB in OpenJPH");

    // Tile-parts (§A.4.2 SOT, §A.4.3 SOD), each tile's data scanned for marker codes.
    std::vector<bool> seen(h.tiles, false);
    size_t sot = pos;
    while (sot < eoc) {
        if (sot + 12 > eoc || be16(d + sot) != 0xFF90 || be16(d + sot + 2) != 10) refuse(LB_OJPH_CORRUPT, "a tile-part does not start with SOT");
        uint32_t tile = be16(d + sot + 4), psot = be32(d + sot + 6);
        if (tile >= h.tiles) refuse(LB_OJPH_CORRUPT, "SOT names tile " + std::to_string(tile) + " of " + std::to_string(h.tiles));
        seen[tile] = true;
        size_t end = psot == 0 ? eoc : sot + psot;
        if (psot != 0 && (psot < 14 || end > eoc)) refuse(LB_OJPH_CORRUPT, "a tile-part length (Psot) is out of range");
        pos = sot + 12;
        for (;;) {
            if (pos + 2 > end) refuse(LB_OJPH_CORRUPT, "a tile-part has no SOD");
            uint16_t marker = be16(d + pos);
            pos += 2;
            if (marker == 0xFF93) break;
            if (pos + 2 > end || be16(d + pos) < 2 || pos + be16(d + pos) > end) refuse(LB_OJPH_CORRUPT, "marker " + hex(marker) + " runs past its tile-part");
            switch (marker) {
            case 0xFF58: case 0xFF64: break;  // PLT, COM
            case 0xFF52: case 0xFF53: case 0xFF5C: case 0xFF5D: case 0xFF5E: case 0xFF5F: case 0xFF61:
                refuse(LB_OJPH_UNSUPPORTED, "marker " + hex(marker) + " in a tile-part header (OpenJPH 0.9 ignores it)");
            default: refuse(LB_OJPH_CORRUPT, "unexpected marker " + hex(marker) + " in a tile-part header");
            }
            pos += be16(d + pos);
        }
        // Tile data: bit stuffing (§B.10.1; ISO/IEC 15444-15 for the HT segments) means 0xFF is
        // never followed by a byte above 0x8F (SOP and EPH, the markers allowed there, are refused
        // above).
        for (size_t i = pos; i < end; ++i) {
            const void *ff = memchr(d + i, 0xFF, end - i);
            if (ff == nullptr) break;
            i = size_t(static_cast<const uint8_t *>(ff) - d);
            if (i + 1 >= end) refuse(LB_OJPH_CORRUPT, "tile data ends with 0xFF");
            uint8_t next = d[i + 1];
            if (next > 0x8F)
                refuse(LB_OJPH_CORRUPT, "marker code " + hex(uint16_t(0xFF00 | next)) + " inside tile data");
        }
        sot = end;
    }
    for (uint32_t t = 0; t < h.tiles; ++t)
        if (!seen[t]) refuse(LB_OJPH_UNSUPPORTED, "tile " + std::to_string(t) + " has no data");
    return h;
}

}  // namespace lightbox_ojph
