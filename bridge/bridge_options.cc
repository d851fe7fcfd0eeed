#include "bridge/bridge_options.h"

namespace chatkit {

// CHATKIT_VIEWER_WWW_DIR comes from bridge/CMakeLists.txt: the wasm-viewer build's output.
const char* default_web_root() {
  return CHATKIT_VIEWER_WWW_DIR;
}

}  // namespace chatkit
