# Cross-compiles chatkit (and its Windows dependencies, scripts/windows/build-deps.sh) for 64-bit
# Windows with Debian's mingw-w64 compilers, and runs the results through Wine.
#
#   cmake --preset windows-cross        (sets this file and the dependency prefix)
#
# CHATKIT_WINDOWS_DEPS_PREFIX names the prefix holding libuv, SQLite, GoogleTest and CLI11 built
# for Windows (docs/windows.md). It is searched instead of the build machine's /usr: with the
# find modes below, find_package() and find_library() look only under the mingw-w64 sysroot and
# that prefix, so a Linux library can never end up in a Windows link.

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CHATKIT_MINGW_TRIPLE x86_64-w64-mingw32)

# The -posix compilers use the winpthreads thread model; the -win32 ones have no std::thread,
# std::mutex or std::condition_variable in GCC 12, which the kit's blocking API and the tests use.
find_program(CMAKE_C_COMPILER NAMES ${CHATKIT_MINGW_TRIPLE}-gcc-posix REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES ${CHATKIT_MINGW_TRIPLE}-g++-posix REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${CHATKIT_MINGW_TRIPLE}-windres)
find_program(CMAKE_AR NAMES ${CHATKIT_MINGW_TRIPLE}-gcc-ar-posix ${CHATKIT_MINGW_TRIPLE}-ar)
find_program(CMAKE_RANLIB NAMES ${CHATKIT_MINGW_TRIPLE}-gcc-ranlib-posix
                                ${CHATKIT_MINGW_TRIPLE}-ranlib)

# Self-contained .exe files: no libstdc++-6.dll, libgcc_s_seh-1.dll or libwinpthread-1.dll to
# ship next to them (or to find on Wine's PATH).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

# Try-compile projects read this file again; they must see the same prefix.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CHATKIT_WINDOWS_DEPS_PREFIX)

set(CMAKE_FIND_ROOT_PATH /usr/${CHATKIT_MINGW_TRIPLE})
if(CHATKIT_WINDOWS_DEPS_PREFIX)
  list(APPEND CMAKE_FIND_ROOT_PATH ${CHATKIT_WINDOWS_DEPS_PREFIX})
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# pkg-config likewise: the prefix's .pc files only, never the build machine's.
set(ENV{PKG_CONFIG_LIBDIR} "${CHATKIT_WINDOWS_DEPS_PREFIX}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# ctest (and gtest_discover_tests, which lists the tests by running each binary) starts the
# Windows programs through Wine, by way of scripts/windows/wine-emulator.sh (which turns off
# address-space randomization, and says why). scripts/windows/test.sh gives Wine a throw-away
# prefix.
find_program(CHATKIT_WINE_EXECUTABLE NAMES wine)
if(CHATKIT_WINE_EXECUTABLE)
  get_filename_component(chatkit_wine_emulator
                         "${CMAKE_CURRENT_LIST_DIR}/../../scripts/windows/wine-emulator.sh" ABSOLUTE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${chatkit_wine_emulator} ${CHATKIT_WINE_EXECUTABLE})
endif()
