#pragma once

// `sextant-tool check config <config-files>...`: loads each file as the server would and prints
// promtool's verdict lines. Returns the exit code: 0 when all are valid, 1 otherwise.

#include <string>
#include <vector>

namespace sextant::tool {

int CheckConfig(const std::vector<std::string>& files);

}  // namespace sextant::tool
