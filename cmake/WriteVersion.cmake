# Writes OUTPUT from cmake/version.cpp.in with the git commit of SOURCE_DIR as it is now. Run at
# configure time and again at every build (target msflow_version), so a binary never reports the
# commit an older configure saw; configure_file leaves OUTPUT untouched when its text is unchanged,
# so an unchanged commit recompiles nothing.
execute_process(COMMAND git describe --always --dirty --abbrev=12
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE MSFLOW_GIT_DESCRIBE OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET)
if(NOT MSFLOW_GIT_DESCRIBE)
  set(MSFLOW_GIT_DESCRIBE "unknown")
endif()
configure_file(${SOURCE_DIR}/cmake/version.cpp.in ${OUTPUT} @ONLY)
