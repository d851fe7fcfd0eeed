// The command-line options of the web bridge, shared by chat-bridge and chat-server --web so
// that both spell and check them the same way.
#ifndef CHATKIT_BRIDGE_WEB_OPTIONS_CLI_H_
#define CHATKIT_BRIDGE_WEB_OPTIONS_CLI_H_

#include <CLI/CLI.hpp>

#include "bridge/bridge_options.h"

namespace chatkit {

// Adds --web-bind ADDR, --allow-origin URL (repeatable) and --web-root DIR to `app`, filling
// `options` (which must outlive the parse). When `enabled_by` is given (chat-server's --web),
// each of them needs it. Invalid values are usage errors: a --web-bind that is not an IP
// address, an --allow-origin that is not an http(s) origin, a --web-root that is not a
// directory.
void add_web_bridge_options(CLI::App& app, WebBridgeOptions* options,
                            CLI::Option* enabled_by = nullptr);

}  // namespace chatkit

#endif  // CHATKIT_BRIDGE_WEB_OPTIONS_CLI_H_
