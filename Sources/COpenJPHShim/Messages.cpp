// Lightbox — OpenJPH's message streams captured per thread; see Messages.h.
#include "Messages.h"

#include <openjph/ojph_arch.h>
#include <openjph/ojph_codestream.h>
#include <openjph/ojph_message.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace lightbox_ojph {

namespace {

struct Capture {
    std::string error;
    std::string warning;
    bool warned = false;
};

thread_local Capture capture;
thread_local int depth = 0;

enum Kind { error_kind, warning_kind, info_kind };

void append(std::string &s, const char *buf, size_t size) {
    const size_t limit = 600;  // a message and its "ojph error 0x… at file:line:" prefix
    if (s.size() < limit) s.append(buf, std::min(size, limit - s.size()));
}

ssize_t write_error(void *, const char *buf, size_t size) { append(capture.error, buf, size); return ssize_t(size); }
ssize_t write_warning(void *, const char *buf, size_t size) {
    capture.warned = true;
    append(capture.warning, buf, size);
    return ssize_t(size);
}
ssize_t write_info(void *, const char *, size_t size) { return ssize_t(size); }

FILE *open_capture(cookie_write_function_t *write) {
    cookie_io_functions_t io = {nullptr, write, nullptr, nullptr};
    FILE *f = fopencookie(nullptr, "w", io);
    if (f) setvbuf(f, nullptr, _IONBF, 0);
    return f;
}

/// Drops OpenJPH's "ojph error 0x0003xxxx at file.cpp:123: " prefix and trailing newlines.
std::string tidy(const std::string &s) {
    std::string t = s;
    size_t at = t.find(" at ");
    if (t.rfind("ojph ", 0) == 0 && at != std::string::npos) {
        size_t colon = t.find(": ", at);
        if (colon != std::string::npos) t = t.substr(colon + 2);
    }
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    return t;
}

std::once_flag configured;
thread_local std::string tidied;

}  // namespace

void refuse(lb_ojph_status status, const std::string &reason) { throw Refusal{status, reason}; }

void configure() {
    std::call_once(configured, [] {
        // Streams that never close: OpenJPH keeps the pointers for the life of the process.
        FILE *e = open_capture(write_error), *w = open_capture(write_warning), *i = open_capture(write_info);
        if (e == nullptr || w == nullptr || i == nullptr) throw std::bad_alloc();
        ojph::set_error_stream(e);
        ojph::set_warning_stream(w);
        ojph::set_info_stream(i);
        // codestream's constructor fills the colour and wavelet function tables without a lock.
        ojph::codestream warm_up;
        (void)warm_up;
    });
}

void begin_capture() {
    capture.error.clear();
    capture.warning.clear();
    capture.warned = false;
}

const std::string &captured_error() {
    tidied = tidy(capture.error);
    return tidied;
}

bool captured_warning(std::string *text) {
    if (!capture.warned) return false;
    if (text) *text = tidy(capture.warning);
    return true;
}

int &openjph_depth() { return depth; }

void put_message(char *message, size_t capacity, const std::string &s) {
    if (message == nullptr || capacity == 0) return;
    size_t n = s.size() < capacity - 1 ? s.size() : capacity - 1;
    memcpy(message, s.data(), n);
    message[n] = 0;
}

}  // namespace lightbox_ojph
