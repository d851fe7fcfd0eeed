# Compiles through ccache when it is installed (scripts/install-deps.sh installs it), so that a
# rebuild of unchanged sources, in this checkout or in another clone of it, takes seconds: CI
# builds four presets in a fresh clone each time.
#
# CCACHE_BASEDIR makes the paths under the source tree relative in what ccache hashes, so two
# clones in different directories share their cache entries; CCACHE_NOHASHDIR leaves the build
# directory out of the hash (it only reaches the debug information's compilation directory).
# Paths compiled into the code as macros (the tests' CHATKIT_SERVER_PATH and the like) still
# differ between clones, so those files are compiled again, never taken from another clone.
#
# -DCHATKIT_CCACHE=OFF turns it off.
option(CHATKIT_CCACHE "Compile through ccache when it is installed" ON)
if(CHATKIT_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(CHATKIT_CCACHE_PROGRAM ccache)
  if(CHATKIT_CCACHE_PROGRAM)
    set(chatkit_launcher ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}
                         CCACHE_NOHASHDIR=true ${CHATKIT_CCACHE_PROGRAM})
    set(CMAKE_C_COMPILER_LAUNCHER ${chatkit_launcher})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${chatkit_launcher})
    message(STATUS "chatkit: compiling through ${CHATKIT_CCACHE_PROGRAM}")
  endif()
endif()
