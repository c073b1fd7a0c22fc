// Lightbox — glibc's assertion-failure entry point, replaced so that an assert() failing inside
// OpenJPH (Debian builds it with assertions on, and some are reachable from corrupt code-block
// data, e.g. the MEL decoder's "melp->unstuff == false || melp->data[0] <= 0x8F") becomes a
// refused stream instead of an abort of the whole program.
//
// The definition in the executable takes the place of glibc's for every shared library
// (ordinary ELF symbol interposition). Only a thread that is inside an OpenJPH call made through
// the shim (openjph_depth() > 0) throws; everywhere else this does what glibc does: print
// "prog: file:line: function: Assertion `expr' failed." to stderr and abort.
//
// glibc declares __assert_fail noexcept, so an OpenJPH function with C++ cleanups that asserts
// still ends the process (the unwinder finds no entry for that call): the trap covers the
// code-block decoders, which have none, and the codestream walk (CodestreamWalk.h) keeps out the
// inputs that fuzzing found to reach assertions elsewhere (an unknown progression order).
// <assert.h> is deliberately not included, for that same declaration.
#include "Messages.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" [[noreturn]] void __assert_fail(const char *assertion, const char *file, unsigned int line,
                                           const char *function) {
    if (lightbox_ojph::openjph_depth() > 0) {
        std::string where = file ? file : "?";
        size_t slash = where.rfind('/');
        if (slash != std::string::npos) where = where.substr(slash + 1);
        throw lightbox_ojph::Refusal{LB_OJPH_CORRUPT, "OpenJPH assertion failed (" + where + ":" + std::to_string(line)
                                                          + "): " + (assertion ? assertion : "?")};
    }
    fprintf(stderr, "%s%s%s:%u: %s%sAssertion `%s' failed.\n", program_invocation_short_name,
            program_invocation_short_name[0] ? ": " : "", file ? file : "?", line, function ? function : "",
            function ? ": " : "", assertion ? assertion : "?");
    fflush(stderr);
    abort();
}

#include <openjph/ojph_file.h>

extern "C" lb_ojph_status lb_ojph_check_assertion_trap(char *message, size_t capacity) {
    static const uint8_t byte = 0;
    return lightbox_ojph::guarded(message, capacity, [] {
        ojph::mem_infile file;
        file.open(&byte, 1);
        file.open(&byte, 1);  // OpenJPH asserts "this->data == NULL"
        return LB_OJPH_OK;
    });
}
