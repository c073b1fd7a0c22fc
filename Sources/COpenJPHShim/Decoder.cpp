// Lightbox — HTJ2K decoding through OpenJPH 0.9 (BSD-2-Clause); see COpenJPHShim.h.
//
// The codestream is walked first (CodestreamWalk.h) so that what OpenJPH 0.9 would assert on,
// skip or decode differently is refused before OpenJPH sees it; after that every OpenJPH error,
// warning or assertion is a refusal too (Messages.h, AssertionTrap.cpp).
#include "COpenJPHShim.h"
#include "CodestreamWalk.h"
#include "Messages.h"

#include <openjph/ojph_arch.h>
#include <openjph/ojph_codestream.h>
#include <openjph/ojph_file.h>
#include <openjph/ojph_mem.h>
#include <openjph/ojph_params.h>

#include <memory>
#include <string>

using lightbox_ojph::CodestreamFacts;
using lightbox_ojph::refuse;

/// The codestream reads from the caller's bytes (`file` must outlive `codestream`).
struct lb_ojph_decoder {
    CodestreamFacts header;
    ojph::mem_infile file;
    ojph::codestream codestream;
    bool used = false;
};

extern "C" lb_ojph_status lb_ojph_open(const uint8_t *data, size_t length, uint64_t max_samples,
                                       lb_ojph_decoder **decoder, lb_ojph_info *info,
                                       char *message, size_t capacity) {
    if (decoder) *decoder = nullptr;
    if (data == nullptr || length == 0 || decoder == nullptr || info == nullptr) {
        lightbox_ojph::put_message(message, capacity, "bad argument");
        return LB_OJPH_ARGUMENT;
    }
    std::unique_ptr<lb_ojph_decoder> d;
    lb_ojph_status status = lightbox_ojph::guarded(message, capacity, [&] {
        CodestreamFacts h = lightbox_ojph::walk_codestream(data, length, max_samples);
        d.reset(new lb_ojph_decoder);
        d->header = h;
        d->file.open(data, length);
        d->codestream.set_planar(false);
        d->codestream.read_headers(&d->file);
        ojph::param_siz siz = d->codestream.access_siz();
        if (siz.get_num_components() != h.components || siz.get_recon_width(0) != h.width()
            || siz.get_recon_height(0) != h.height())
            refuse(LB_OJPH_CORRUPT, "OpenJPH reads a different SIZ");
        info->width = h.width();
        info->height = h.height();
        info->components = h.components;
        info->bit_depth = h.bit_depth;
        info->is_signed = h.is_signed;
        info->reversible = h.reversible;
        info->color_transform = h.color_transform;
        info->tiles = h.tiles;
        info->decompositions = h.decompositions;
        return LB_OJPH_OK;
    });
    // Handed over only now: guarded() turns an OpenJPH warning after the body into a refusal.
    if (status == LB_OJPH_OK) *decoder = d.release();
    return status;
}

namespace {

/// Clamps to the component's range, keeps `keep` low bits, extends to T.
template <typename T>
void store_line(const ojph::si32 *src, T *dst, uint32_t width, uint32_t stride, ojph::si32 lo, ojph::si32 hi,
                uint32_t keep, bool sign_extend) {
    const uint32_t bits = sizeof(T) * 8;
    const uint32_t k = keep >= bits ? bits : keep;
    const uint32_t up = 32 - k;
    for (uint32_t i = 0; i < width; ++i) {
        ojph::si32 v = src[i] < lo ? lo : (src[i] > hi ? hi : src[i]);
        uint32_t u = uint32_t(v);
        if (up > 0 && up < 32) {
            u <<= up;
            u = sign_extend ? uint32_t(int32_t(u) >> up) : (u >> up);
        }
        dst[size_t(i) * stride] = T(u);
    }
}

}  // namespace

extern "C" lb_ojph_status lb_ojph_decode(lb_ojph_decoder *d, void *out, size_t out_bytes,
                                         uint32_t bytes_per_sample, uint32_t keep_bits, int32_t sign_extend,
                                         char *message, size_t capacity) {
    if (d == nullptr || out == nullptr || d->used || !(bytes_per_sample == 1 || bytes_per_sample == 2 || bytes_per_sample == 4)
        || keep_bits == 0) {
        lightbox_ojph::put_message(message, capacity, "bad argument");
        return LB_OJPH_ARGUMENT;
    }
    const CodestreamFacts &h = d->header;
    const uint32_t w = h.width(), ht = h.height(), nc = h.components;
    if (out_bytes / bytes_per_sample < uint64_t(w) * ht * nc) {
        lightbox_ojph::put_message(message, capacity, "output buffer too small");
        return LB_OJPH_ARGUMENT;
    }
    d->used = true;
    return lightbox_ojph::guarded(message, capacity, [&] {
        d->codestream.create();
        const ojph::si32 lo = h.is_signed ? -(ojph::si32(1) << (h.bit_depth - 1)) : 0;
        const ojph::si32 hi = h.is_signed ? (ojph::si32(1) << (h.bit_depth - 1)) - 1 : (ojph::si32(1) << h.bit_depth) - 1;
        uint32_t rows[4] = {0, 0, 0, 0};
        for (uint64_t n = 0; n < uint64_t(ht) * nc; ++n) {
            ojph::ui32 c = 0;
            ojph::line_buf *line = d->codestream.pull(c);
            if (line == nullptr || c >= nc || rows[c] >= ht || line->size < w || line->i32 == nullptr)
                refuse(LB_OJPH_CORRUPT, "OpenJPH returned an unexpected line");
            size_t offset = size_t(rows[c]) * w * nc + c;
            switch (bytes_per_sample) {
            case 1: store_line(line->i32, static_cast<uint8_t *>(out) + offset, w, nc, lo, hi, keep_bits, sign_extend); break;
            case 2: store_line(line->i32, static_cast<uint16_t *>(out) + offset, w, nc, lo, hi, keep_bits, sign_extend); break;
            default: store_line(line->i32, static_cast<uint32_t *>(out) + offset, w, nc, lo, hi, keep_bits, sign_extend); break;
            }
            rows[c] += 1;
        }
        return LB_OJPH_OK;
    });
}

extern "C" void lb_ojph_close(lb_ojph_decoder *d) {
    try {
        delete d;
    } catch (...) {
        // ~codestream only frees memory; nothing to report.
    }
}
