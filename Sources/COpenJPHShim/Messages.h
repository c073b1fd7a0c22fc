// Lightbox — how OpenJPH's messages and failures reach the C API (private to COpenJPHShim).
//
// OpenJPH 0.9.0's configure_error/configure_warning/configure_info are empty functions, so its
// handlers cannot be replaced: errors print to the error stream and throw std::runtime_error,
// warnings print to the warning stream and carry on (after skipping a marker segment OpenJPH 0.9
// does not implement, which would decode the wrong pixels). So the three streams are pointed at
// capture streams (set_*_stream) that keep the text per thread instead of printing it, and a
// warning makes the shim refuse the stream. Debian builds OpenJPH with assertions on; an
// assertion failing inside OpenJPH on this thread throws instead of aborting (AssertionTrap.cpp).
#ifndef LIGHTBOX_OPENJPH_MESSAGES_H
#define LIGHTBOX_OPENJPH_MESSAGES_H

#include "COpenJPHShim.h"

#include <exception>
#include <new>
#include <string>

namespace lightbox_ojph {

/// Thrown by the shim's own checks and by the assertion trap; carries the status to return.
struct Refusal {
    lb_ojph_status status;
    std::string reason;
};

[[noreturn]] void refuse(lb_ojph_status status, const std::string &reason);

/// Once per process: the capture streams, and OpenJPH's lazily filled function tables filled
/// before two threads can race on them.
void configure();

/// What OpenJPH wrote on this thread since the last `begin_capture`.
void begin_capture();
const std::string &captured_error();
bool captured_warning(std::string *text);

/// Non-zero while this thread is inside an OpenJPH call made through `guarded`.
int &openjph_depth();

/// Copies `s` into a caller's buffer, NUL-terminated and cut to fit.
void put_message(char *message, size_t capacity, const std::string &s);

/// Runs `body`, turning every C++ exception, OpenJPH error and OpenJPH warning into a status
/// and message.
template <typename Body>
lb_ojph_status guarded(char *message, size_t capacity, Body body) {
    struct Depth {
        Depth() { ++openjph_depth(); }
        ~Depth() { --openjph_depth(); }
    };
    try {
        configure();
        begin_capture();
        lb_ojph_status status;
        {
            Depth inside;
            status = body();
        }
        std::string warning;
        if (status == LB_OJPH_OK && captured_warning(&warning)) refuse(LB_OJPH_UNSUPPORTED, "OpenJPH: " + warning);
        return status;
    } catch (const Refusal &r) {
        put_message(message, capacity, r.reason);
        return r.status;
    } catch (const std::bad_alloc &) {
        put_message(message, capacity, "out of memory");
        return LB_OJPH_TOO_LARGE;
    } catch (const std::exception &e) {
        const std::string &text = captured_error();
        put_message(message, capacity, text.empty() ? std::string(e.what()) : "OpenJPH: " + text);
        return LB_OJPH_CORRUPT;
    } catch (...) {
        put_message(message, capacity, "unknown OpenJPH failure");
        return LB_OJPH_CORRUPT;
    }
}

}  // namespace lightbox_ojph

#endif
