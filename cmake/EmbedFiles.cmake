# sextant_embed_files(<target> DIR <dir> NAMESPACE <ns> SYMBOL <function> HEADER <include path>
#                     [DEPS <targets...>])
#
# Embeds every file under <dir> (found by a CONFIGURE_DEPENDS glob, so files that appear or
# disappear, such as a rebuilt bundle's hashed names, re-run the configure step) into a static
# library <target>. A build-time step (cmake/EmbedFilesGenerate.cmake) writes one .cc that pulls
# each file's bytes in with the assembler's `.incbin` (no hex dump to compile, so a large bundle
# builds in milliseconds) and defines
#
#   std::span<const <ns>::EmbeddedFile> <ns>::<SYMBOL>();
#
# (declared in <HEADER>, as api/ui/embedded_files.h declares its): every file's path relative to <dir>, its
# Content-Type from the extension, and its bytes. The generated object is rebuilt when any
# embedded file changes (OBJECT_DEPENDS, since compilers do not track .incbin inputs).
# Linux/ELF toolchains (GCC, clang) only.
include_guard(GLOBAL)

set(_SEXTANT_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedFilesGenerate.cmake)

function(sextant_embed_files target)
  cmake_parse_arguments(ARG "" "DIR;NAMESPACE;SYMBOL;HEADER" "DEPS" ${ARGN})
  file(GLOB_RECURSE files LIST_DIRECTORIES false CONFIGURE_DEPENDS "${ARG_DIR}/*")
  list(SORT files)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_generated.cc)
  set(list_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_files.txt)
  # The file list goes through a file rather than the command line (no length limit, no quoting
  # of odd names); written at configure time, when the glob runs.
  string(REPLACE ";" "\n" list_text "${files}")
  file(CONFIGURE OUTPUT ${list_file} CONTENT "${list_text}\n" @ONLY)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DDIR=${ARG_DIR} -DLIST=${list_file} -DOUT=${out}
            -DNAMESPACE=${ARG_NAMESPACE} -DSYMBOL=${ARG_SYMBOL} -DHEADER=${ARG_HEADER} -P ${_SEXTANT_EMBED_SCRIPT}
    DEPENDS ${files} ${list_file} ${_SEXTANT_EMBED_SCRIPT}
    COMMENT "Embedding ${ARG_DIR}"
    VERBATIM)
  set_source_files_properties(${out} PROPERTIES OBJECT_DEPENDS "${files}")
  sextant_library(${target} SRCS ${out} DEPS ${ARG_DEPS})
endfunction()
