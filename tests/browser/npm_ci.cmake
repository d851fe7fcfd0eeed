# Installs the browser tests' npm packages (playwright-core, pinned by package-lock.json) into the
# build tree with `npm ci`, and again only when the lockfile changes. Run as a ctest fixture
# (Viewer.NpmCi) and by the viewer-screenshot target, so that a plain build never needs the
# network. No browser is downloaded: the tests drive Debian's /usr/bin/chromium.
#
#   cmake -DNPM=npm -DSOURCE_DIR=tests/browser -DBINARY_DIR=<build>/tests/browser/npm -P npm_ci.cmake
foreach(var NPM SOURCE_DIR BINARY_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "npm_ci.cmake: ${var} is not set")
  endif()
endforeach()

file(MAKE_DIRECTORY ${BINARY_DIR})
file(COPY_FILE ${SOURCE_DIR}/package.json ${BINARY_DIR}/package.json ONLY_IF_DIFFERENT)
file(COPY_FILE ${SOURCE_DIR}/package-lock.json ${BINARY_DIR}/package-lock.json ONLY_IF_DIFFERENT)

# The lockfile the installed node_modules came from.
set(stamp ${BINARY_DIR}/node_modules/.chatkit-installed-lock.json)
file(READ ${BINARY_DIR}/package-lock.json wanted)
if(EXISTS ${stamp})
  file(READ ${stamp} installed)
  if(installed STREQUAL wanted)
    message(STATUS "npm packages for the browser tests are up to date in ${BINARY_DIR}")
    return()
  endif()
endif()

set(ENV{PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD} 1)
execute_process(
  COMMAND ${NPM} ci --ignore-scripts --no-audit --no-fund
  WORKING_DIRECTORY ${BINARY_DIR}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "npm ci failed (${result}) in ${BINARY_DIR}: the browser tests need "
                      "playwright-core from the npm registry (https://registry.npmjs.org).")
endif()
file(COPY_FILE ${BINARY_DIR}/package-lock.json ${stamp})
message(STATUS "installed the browser tests' npm packages into ${BINARY_DIR}/node_modules")
