// MIME types of the files the bridge serves, by file name extension.
//
// The browser must get the right type: a module script or stylesheet with a wrong one is
// refused under X-Content-Type-Options: nosniff, and WebAssembly.instantiateStreaming() accepts
// only application/wasm. Text types say charset=utf-8 so that non-ASCII text in the page is
// never guessed at.
#ifndef CHATKIT_BRIDGE_MIME_TYPES_H_
#define CHATKIT_BRIDGE_MIME_TYPES_H_

#include <string_view>

namespace chatkit {

// The Content-Type for a file named `path` ("viewer.js" -> "text/javascript; charset=utf-8").
// The extension is compared case-insensitively; unknown extensions are
// "application/octet-stream", which a browser only downloads.
const char* mime_type_for(std::string_view path);

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_MIME_TYPES_H_
