// Lightbox — HTJ2K encoding through OpenJPH, for tests only (see lb_ojph_encode in COpenJPHShim.h).
#include "COpenJPHShim.h"
#include "Messages.h"

#include <openjph/ojph_arch.h>
#include <openjph/ojph_codestream.h>
#include <openjph/ojph_file.h>
#include <openjph/ojph_mem.h>
#include <openjph/ojph_params.h>

#include <cstdlib>
#include <cstring>

using lightbox_ojph::refuse;

extern "C" lb_ojph_status lb_ojph_encode(const void *samples, uint32_t bytes_per_sample, uint32_t width, uint32_t height,
                                         uint32_t components, uint32_t bit_depth, int32_t is_signed, int32_t reversible,
                                         int32_t color_transform, float qstep, const char *progression,
                                         uint32_t tile_width, uint32_t tile_height, uint32_t decompositions,
                                         uint32_t block_width, uint32_t block_height, uint32_t precinct,
                                         uint8_t **out, size_t *out_length, char *message, size_t capacity) {
    if (out) *out = nullptr;
    if (out_length) *out_length = 0;
    if (samples == nullptr || out == nullptr || out_length == nullptr || width == 0 || height == 0
        || components == 0 || components > 4 || bit_depth == 0 || bit_depth > 16
        || !(bytes_per_sample == 1 || bytes_per_sample == 2) || bit_depth > 8 * bytes_per_sample) {
        lightbox_ojph::put_message(message, capacity, "bad argument");
        return LB_OJPH_ARGUMENT;
    }
    return lightbox_ojph::guarded(message, capacity, [&] {
        ojph::codestream cs;
        ojph::param_siz siz = cs.access_siz();
        siz.set_image_extent(ojph::point(width, height));
        siz.set_num_components(components);
        for (uint32_t c = 0; c < components; ++c) siz.set_component(c, ojph::point(1, 1), bit_depth, is_signed != 0);
        siz.set_image_offset(ojph::point(0, 0));
        siz.set_tile_offset(ojph::point(0, 0));
        siz.set_tile_size(ojph::size(tile_width ? tile_width : width, tile_height ? tile_height : height));
        ojph::param_cod cod = cs.access_cod();
        cod.set_num_decomposition(decompositions);
        cod.set_block_dims(block_width ? block_width : 64, block_height ? block_height : 64);
        if (precinct) {
            ojph::size sizes[1] = {ojph::size(precinct, precinct)};
            cod.set_precinct_size(1, sizes);
        }
        cod.set_progression_order(progression ? progression : "RPCL");
        cod.set_color_transform(color_transform != 0);
        cod.set_reversible(reversible != 0);
        if (!reversible) cs.access_qcd().set_irrev_quant(qstep);
        cs.set_planar(false);
        ojph::mem_outfile file;
        file.open();
        cs.write_headers(&file);
        ojph::ui32 c = 0;
        ojph::line_buf *line = cs.exchange(nullptr, c);
        uint32_t rows[4] = {0, 0, 0, 0};
        for (uint64_t n = 0; n < uint64_t(height) * components; ++n) {
            if (c >= components || rows[c] >= height) refuse(LB_OJPH_CORRUPT, "OpenJPH asked for an unexpected line");
            size_t base = size_t(rows[c]) * width * components + c;
            for (uint32_t x = 0; x < width; ++x) {
                size_t i = base + size_t(x) * components;
                int32_t v;
                if (bytes_per_sample == 1)
                    v = is_signed ? int32_t(static_cast<const int8_t *>(samples)[i]) : int32_t(static_cast<const uint8_t *>(samples)[i]);
                else
                    v = is_signed ? int32_t(static_cast<const int16_t *>(samples)[i]) : int32_t(static_cast<const uint16_t *>(samples)[i]);
                line->i32[x] = v;
            }
            rows[c] += 1;
            line = cs.exchange(line, c);
        }
        cs.flush();
        size_t n = size_t(file.tell());
        uint8_t *buf = static_cast<uint8_t *>(malloc(n ? n : 1));
        if (buf == nullptr) throw std::bad_alloc();
        memcpy(buf, file.get_data(), n);
        cs.close();
        *out = buf;
        *out_length = n;
        return LB_OJPH_OK;
    });
}

extern "C" void lb_ojph_free(void *p) { free(p); }
