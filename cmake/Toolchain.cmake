# Compiler settings shared by every Sextant target: warnings, sanitizers, ccache.
include_guard(GLOBAL)

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

set(SEXTANT_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wno-unused-parameter
                     -Wno-missing-field-initializers)
# GCC 12 reports false -Wrestrict/-Wstringop-overflow errors inside libstdc++'s std::string at
# -O2 (GCC bugs 105329, 105651); Debian 12's compiler is GCC 12.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND SEXTANT_WARNINGS -Wno-restrict -Wno-stringop-overflow)
endif()
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND SEXTANT_WARNINGS -Wthread-safety -Wthread-safety-beta)
endif()

if(SEXTANT_SANITIZE)
  add_compile_options(-fsanitize=${SEXTANT_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${SEXTANT_SANITIZE})
  # Boost.Asio's fenced blocks use std::atomic_thread_fence, which ThreadSanitizer does not model;
  # GCC warns about every use (-Wtsan). Its reports would be about Asio's own handoffs.
  if(SEXTANT_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-tsan)
    add_link_options(-Wno-tsan)  # link-time optimisation compiles again at link
  endif()
endif()
# Fuzzer builds instrument every library for coverage, so that a fuzzer linking the parser or
# the engine as libraries explores their code, not only its own entry point.
if(SEXTANT_BUILD_FUZZERS AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
