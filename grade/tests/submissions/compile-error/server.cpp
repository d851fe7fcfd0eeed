// A stage-2 server that does not compile: a missing semicolon and an undeclared name.
#include <iostream>

int main() {
  std::cout << "listening on 127.0.0.1:10000" << std::endl
  return undeclared_port;
}
