// Lightbox — a strict walk over an HTJ2K codestream's markers before OpenJPH reads it (private
// to COpenJPHShim).
#ifndef LIGHTBOX_OPENJPH_CODESTREAM_WALK_H
#define LIGHTBOX_OPENJPH_CODESTREAM_WALK_H

#include "COpenJPHShim.h"

#include <cstddef>
#include <cstdint>

namespace lightbox_ojph {

/// What the walk found (ISO/IEC 15444-1 §A.5.1 SIZ, §A.6.1 COD).
struct CodestreamFacts {
    uint32_t x = 0, y = 0, x0 = 0, y0 = 0, tx = 0, ty = 0, tx0 = 0, ty0 = 0;
    uint32_t components = 0, bit_depth = 0, tiles = 0, decompositions = 0;
    bool is_signed = false, reversible = false, color_transform = false;
    uint32_t width() const { return x - x0; }
    uint32_t height() const { return y - y0; }
};

/// Walks the main header, every tile-part header and the tile data, and refuses (throws Refusal)
/// what OpenJPH 0.9 would assert on, skip with a warning or decode differently from ISO/IEC
/// 15444-15:
///  - LB_OJPH_UNSUPPORTED: no SOC at the start (a JP2/JPH file), no HTJ2K capability (Rsiz bit
///    14), not HT-only code-blocks, code-block style options or SOP/EPH markers (untested here),
///    more than one quality layer, more than 4 components or 16 bits, subsampled or unlike
///    components, image or tile offsets, sizes of 2^31 or more, explicit precinct sizes or a tile
///    smaller than 2^levels in a dimension (OpenJPH 0.9 decodes some of both wrongly without an
///    error), COC/RGN/POC/PPM/PPT or a tile-part COD/COC/QCD/QCC, Kmax = G + ε − 1 above 29 (Eq.
///    E-2; OpenJPH's 32-bit code-block path), a missing tile, tiles whose structures OpenJPH would
///    allocate at too great a cost, no EOC at the end (truncated);
///  - LB_OJPH_CORRUPT: marker segments that do not add up, a marker code (0xFF90–0xFFFF) inside
///    tile data — which no valid HT or Part 1 coder writes and which OpenJPH's MEL decoder asserts
///    on;
///  - LB_OJPH_TOO_LARGE: more than `max_samples` samples.
CodestreamFacts walk_codestream(const uint8_t *data, size_t length, uint64_t max_samples);

}  // namespace lightbox_ojph

#endif
