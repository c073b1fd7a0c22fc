// Lightbox — a plain C API over OpenJPH's C++ HTJ2K decoder (ISO/IEC 15444-15), so that no C++
// exception, stderr message or assertion failure crosses into Swift.
//
// Only streams OpenJPH 0.9 decodes as ISO/IEC 15444-15 says are accepted; the caller decodes the
// rest with OpenJPEG. LB_OJPH_UNSUPPORTED refuses valid streams OpenJPH 0.9 cannot take or gets
// wrong without an error: anything but a raw codestream starting with SOC and SIZ (a JP2/JPH file
// wrapper), no HTJ2K capability (Rsiz bit 14), Part 1 or mixed code-blocks, code-block style
// options or SOP/EPH markers (untested), more than one quality layer, more than 4 components or 16
// bits, subsampled or unlike components, image or tile offsets, explicit precinct sizes, a tile
// smaller than 2^levels in a dimension, Kmax above 29 (its 32-bit code-block path),
// COC/RGN/POC/PPM/PPT or tile-part COD/COC/QCD/QCC (skipped with a warning), a missing tile, tiles
// so many that OpenJPH's up-front allocation would be large, no EOC at the end (truncated), and
// any OpenJPH warning. LB_OJPH_CORRUPT is an OpenJPH error, an inconsistent marker structure, a
// marker code inside tile data, or an OpenJPH assertion that failed (AssertionTrap.cpp). Messages
// OpenJPH would print are captured instead (Messages.h). Calls may run on several threads at once,
// each with its own decoder.
#ifndef LIGHTBOX_COPENJPHSHIM_H
#define LIGHTBOX_COPENJPHSHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LB_OJPH_OK = 0,
    /// A valid stream OpenJPH 0.9 cannot take (decode it with OpenJPEG).
    LB_OJPH_UNSUPPORTED = 1,
    /// OpenJPH reported an error: corrupt or truncated data.
    LB_OJPH_CORRUPT = 2,
    /// The frame exceeds the caller's sample limit; nothing large was allocated.
    LB_OJPH_TOO_LARGE = 3,
    /// A bad argument (buffer too small, sample width not 1, 2 or 4 bytes, …).
    LB_OJPH_ARGUMENT = 4
} lb_ojph_status;

/// What the main header says (component 0; the shim refuses streams whose components differ).
typedef struct {
    uint32_t width;
    uint32_t height;
    uint32_t components;
    uint32_t bit_depth;
    int32_t is_signed;
    /// 1 for the 5/3 reversible wavelet, 0 for 9/7 irreversible.
    int32_t reversible;
    /// 1 when the multiple-component transform (RCT or ICT) is applied to components 0–2;
    /// decoding undoes it.
    int32_t color_transform;
    uint32_t tiles;
    uint32_t decompositions;
} lb_ojph_info;

typedef struct lb_ojph_decoder lb_ojph_decoder;

/// Reads the main header of the codestream in `data` (which must stay valid until
/// lb_ojph_close). On LB_OJPH_OK `*decoder` is set and must be closed; on any other status it is
/// NULL and `message` (if capacity > 0) says why. A frame of more than `max_samples` samples
/// (width × height × components) gives LB_OJPH_TOO_LARGE.
lb_ojph_status lb_ojph_open(const uint8_t *data, size_t length, uint64_t max_samples,
                            lb_ojph_decoder **decoder, lb_ojph_info *info,
                            char *message, size_t capacity);

/// Decodes the whole image into `out`: width × height × components samples, interleaved
/// (pixel by pixel), each `bytes_per_sample` (1, 2 or 4) bytes wide in native byte order.
/// Each value is first clamped to its component's range (as OpenJPEG does), then its low
/// `keep_bits` bits are stored, sign-extended to the sample width when `sign_extend` is non-zero
/// and zero-extended otherwise. A decoder decodes once.
lb_ojph_status lb_ojph_decode(lb_ojph_decoder *decoder, void *out, size_t out_bytes,
                              uint32_t bytes_per_sample, uint32_t keep_bits, int32_t sign_extend,
                              char *message, size_t capacity);

void lb_ojph_close(lb_ojph_decoder *decoder);

/// Encodes interleaved samples (`bytes_per_sample` 1 or 2, native order, two's complement when
/// signed) as an HTJ2K codestream with OpenJPH: for the tests that hold the OpenJPH decoding path
/// to OpenJPEG's (Lightbox writes no HTJ2K). `progression` is "LRCP", "RLCP", "RPCL", "PCRL" or
/// "CPRL"; a tile size of 0 means one tile; `qstep` is the quantisation step when irreversible;
/// code-blocks are `block_width` × `block_height` (0: 64); a `precinct` size (a power of two) is
/// used at every resolution, 0 meaning none. On LB_OJPH_OK `*out` is malloc'd; free it with
/// lb_ojph_free.
lb_ojph_status lb_ojph_encode(const void *samples, uint32_t bytes_per_sample, uint32_t width, uint32_t height,
                              uint32_t components, uint32_t bit_depth, int32_t is_signed, int32_t reversible,
                              int32_t color_transform, float qstep, const char *progression,
                              uint32_t tile_width, uint32_t tile_height, uint32_t decompositions,
                              uint32_t block_width, uint32_t block_height, uint32_t precinct,
                              uint8_t **out, size_t *out_length, char *message, size_t capacity);

void lb_ojph_free(void *p);

/// For tests: makes OpenJPH fail an assertion inside a call the shim guards. Returns
/// LB_OJPH_CORRUPT, with the assertion in `message`, when assertion failures inside OpenJPH are
/// trapped; without the trap the process aborts.
lb_ojph_status lb_ojph_check_assertion_trap(char *message, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
