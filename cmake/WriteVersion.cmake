# Writes version.h from version.h.in with the source tree's revision as it is now: run at every
# build (not only when CMake configures), so that metadata.json, --version, compare's
# "written_by" and the campaign keys name the code that ran. configure_file() leaves an unchanged
# file alone, so an unchanged revision rebuilds nothing.
# Run as: cmake -DSOURCE_DIR=... -DIN=... -DOUT=... -DPROJECT_VERSION=... -DCMAKE_CXX_COMPILER_ID=...
#         -DCMAKE_CXX_COMPILER_VERSION=... -DCMAKE_BUILD_TYPE=... -P WriteVersion.cmake
execute_process(COMMAND git describe --always --dirty --abbrev=12
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE MPRECOVER_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET RESULT_VARIABLE git_result)
if(NOT git_result EQUAL 0)
  set(MPRECOVER_GIT_REVISION "unknown")
endif()
configure_file(${IN} ${OUT} @ONLY)
