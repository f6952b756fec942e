# Third-party libraries, all from Debian packages installed by scripts/setup. Nothing is fetched.
include_guard(GLOBAL)

find_package(Threads REQUIRED)
find_package(absl REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(ZLIB REQUIRED)
find_package(OpenSSL REQUIRED)
# Boost.Beast over Boost.Asio (header-only) for the HTTP server in api/http/.
find_package(Boost 1.74 REQUIRED)

pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
find_package(nlohmann_json REQUIRED)
find_package(RocksDB REQUIRED CONFIG)  # the persistent partitions; linked as the shared library

# libxcrypt (libcrypt-dev; part of every libc6-dev): crypt_rn's bcrypt for the web config's
# basic_auth_users (api/web/bcrypt.cc).
find_library(CRYPT_LIBRARY NAMES crypt REQUIRED)
find_path(CRYPT_INCLUDE_DIR crypt.h REQUIRED)
if(NOT TARGET Crypt::Crypt)
  add_library(Crypt::Crypt UNKNOWN IMPORTED)
  set_target_properties(Crypt::Crypt PROPERTIES
    IMPORTED_LOCATION "${CRYPT_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CRYPT_INCLUDE_DIR}")
endif()

# Debian's yaml-cpp 0.7 exports the plain `yaml-cpp` target; give it the namespaced name and make
# its headers SYSTEM so their warnings never fail our -Werror build.
if(NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp INTERFACE IMPORTED)
  target_link_libraries(yaml-cpp::yaml-cpp INTERFACE yaml-cpp)
endif()

if(SEXTANT_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(SEXTANT_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()

# ANTLR4: Debian ships the C++ runtime without a CMake package, so find it by hand. Its headers
# come in as SYSTEM so their warnings never fail our build. The `antlr4` tool (4.7.2) is only
# needed to regenerate grammar/generated/ (target regen-grammar, test grammar_generated_up_to_date).
find_path(ANTLR4_INCLUDE_DIR antlr4-runtime.h PATH_SUFFIXES antlr4-runtime REQUIRED)
find_library(ANTLR4_RUNTIME_LIBRARY NAMES antlr4-runtime REQUIRED)
find_program(ANTLR4_TOOL antlr4)
if(NOT TARGET antlr4::runtime)
  add_library(antlr4::runtime UNKNOWN IMPORTED)
  set_target_properties(antlr4::runtime PROPERTIES
    IMPORTED_LOCATION "${ANTLR4_RUNTIME_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${ANTLR4_INCLUDE_DIR}"
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${ANTLR4_INCLUDE_DIR}")
endif()
