#pragma once

// `sextant-tool check web-config <web-config-files>...`: validates each --web.config.file as the
// server does at start (api/web/web_config.h's ValidateWebConfigFile: the toolkit's strict
// loader, the bcrypt hashes, and with TLS the certificate, key and CA files), printing promtool's
// verdicts on `err`:
//
//   web.yml SUCCESS
//   bad.yml FAILED: crypto/bcrypt: hashedSecret too short to be a bcrypted password
//
// Returns the exit code: 0 when every file is valid, 1 otherwise.

#include <iosfwd>
#include <string>
#include <vector>

namespace sextant::tool {

int CheckWebConfig(const std::vector<std::string>& files, std::ostream& err);

}  // namespace sextant::tool
