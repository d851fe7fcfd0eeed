// The path part of a request target, decoded and checked, before it names a file.
//
// "/" and "/viewer.js?v=2" are fine; "/../etc/passwd", "/%2e%2e/secret", "/a/..%2f..%2fx",
// "/..\\x" and "/a%00.html" are not. The decoded path is checked segment by segment, so no
// encoding (single, mixed case, or hiding the slash) can smuggle a ".." past the check. A path
// that passes is relative to the web root, uses '/' only, and has no empty, "." or ".." segment
// and no segment starting with '.' (no hidden files such as .git). The file reader
// (bridge/file_reader.h) then also checks that the file it opens, after symbolic links, lies
// under the root.
#ifndef CHATKIT_BRIDGE_REQUEST_PATH_H_
#define CHATKIT_BRIDGE_REQUEST_PATH_H_

#include <optional>
#include <string>
#include <string_view>

namespace chatkit {

struct RequestPath {
  // The decoded absolute path, "/" or "/viewer.js" (for routing: "/ws", "/bridge.json").
  std::string path;
  // The path relative to the web root: "index.html" for "/", "sub/index.html" for "/sub/".
  std::string file;
};

// Decodes the request target of a GET (origin form: "/path?query"). On failure returns nullopt
// with *why saying what was wrong (the bridge answers 400). The query is ignored: nothing in
// it is used, and in particular nothing in it can choose the bridge's target.
std::optional<RequestPath> parse_request_path(std::string_view target, std::string* why);

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_REQUEST_PATH_H_
