# Third-party libraries, all from Debian packages installed by scripts/setup. Nothing is fetched.
include_guard(GLOBAL)

find_package(Threads REQUIRED)
find_package(absl REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(ZLIB REQUIRED)
find_package(OpenSSL REQUIRED)

pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
find_package(nlohmann_json REQUIRED)
find_package(RocksDB REQUIRED CONFIG)  # the persistent partitions; linked as the shared library

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
