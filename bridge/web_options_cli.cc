#include "bridge/web_options_cli.h"

#include <string>

#include "bridge/origin_policy.h"
#include "kit/net/address.h"

namespace chatkit {

void add_web_bridge_options(CLI::App& app, WebBridgeOptions* options, CLI::Option* enabled_by) {
  const CLI::Validator ip_address(
      [](std::string& value) -> std::string {
        sockaddr_storage addr;
        if (!parse_ip_address(value, 0, &addr)) return "";
        return "not an IP address (127.0.0.1, 0.0.0.0, ::, ...): " + value;
      },
      "IP");
  const CLI::Validator origin(
      [](std::string& value) -> std::string {
        if (parse_origin(value)) return "";
        return "not an origin like http://teacher-pc:8080 (scheme, host, optional port): " + value;
      },
      "URL");

  CLI::Option* bind =
      app.add_option("--web-bind", options->bind,
                     "address the viewer's web port listens on (0.0.0.0 to let other machines in)")
          ->check(ip_address)
          ->capture_default_str();
  CLI::Option* allow =
      app.add_option_function<std::vector<std::string>>(
             "--allow-origin",
             [options](const std::vector<std::string>& values) {
               for (const std::string& value : values) {
                 options->allowed_origins.push_back(*parse_origin(value));
               }
             },
             "another page allowed to open the WebSocket (repeatable), e.g. http://teacher-pc:8080")
          ->check(origin)
          ->type_name("URL");
  CLI::Option* root = app.add_option("--web-root", options->web_root,
                                     "directory of the viewer page the web port serves")
                          ->check(CLI::ExistingDirectory)
                          ->capture_default_str();
  if (enabled_by != nullptr) {
    bind->needs(enabled_by);
    allow->needs(enabled_by);
    root->needs(enabled_by);
  }
}

}  // namespace chatkit
