# Regenerates the grammar into OUT_DIR and compares it with the checked-in GRAMMAR_DIR/generated.
# Run by the CTest test grammar_generated_up_to_date; see grammar/CMakeLists.txt for the arguments.
set(fix "run cmake --build ${BUILD_DIR} --target regen-grammar")
if(NOT ANTLR4_TOOL OR NOT EXISTS "${ANTLR4_TOOL}")
  message(FATAL_ERROR "antlr4 not found (install it with scripts/setup); cannot check grammar/generated/")
endif()

file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")
# Same relative invocation as regen-grammar, so header comments match byte for byte.
execute_process(
  COMMAND ${ANTLR4_TOOL} ${ANTLR_ARGS} -o "${OUT_DIR}" ${GRAMMARS}
  WORKING_DIRECTORY "${GRAMMAR_DIR}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "antlr4 failed (exit ${rc}) on the grammar in ${GRAMMAR_DIR}")
endif()

file(GLOB fresh RELATIVE "${OUT_DIR}" "${OUT_DIR}/*")
file(GLOB checked_in RELATIVE "${GRAMMAR_DIR}/generated" "${GRAMMAR_DIR}/generated/*")
list(SORT fresh)
list(SORT checked_in)
if(NOT fresh STREQUAL checked_in)
  message(FATAL_ERROR "grammar/generated/ has files [${checked_in}] but the grammar generates "
                      "[${fresh}]: ${fix}")
endif()
set(stale "")
foreach(f IN LISTS fresh)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${OUT_DIR}/${f}"
                          "${GRAMMAR_DIR}/generated/${f}"
                  RESULT_VARIABLE diff)
  if(NOT diff EQUAL 0)
    list(APPEND stale "${f}")
  endif()
endforeach()
if(stale)
  message(FATAL_ERROR "grammar/generated/ is stale (${stale} differ from the grammar): ${fix}")
endif()
message(STATUS "grammar/generated/ is up to date")
