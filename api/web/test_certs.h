#pragma once

// Test-only: a throw-away PKI made with the openssl command line in a fresh temporary directory:
//   ca.crt/ca.key            "Test CA"
//   server.crt/server.key    CN=localhost, SAN DNS:localhost, IP:127.0.0.1, serverAuth (by CA)
//   client.crt/client.key    CN=client, SAN DNS:client.example, URI:spiffe://test/client,
//                            clientAuth (by CA)
//   other.crt/other.key      self-signed client certificate, SAN DNS:intruder.example
// EC P-256 keys throughout (fast to make). The directory is removed by the destructor.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace sextant::api::web::testing {

class TestCerts {
 public:
  TestCerts() {
    char tmpl[] = "/tmp/sextant_web_certs_XXXXXX";
    dir_ = mkdtemp(tmpl);
    Write("server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    Write("client.ext",
          "subjectAltName=DNS:client.example,URI:spiffe://test/client\n"
          "extendedKeyUsage=clientAuth\n");
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    ok_ = Run("openssl req -x509 " + key +
              " -keyout ca.key -out ca.crt -days 3650 -subj /CN=Test\\ CA") &&
          Signed("server", "localhost") && Signed("client", "client") &&
          Run("openssl req -x509 " + key +
              " -keyout other.key -out other.crt -days 3650 -subj /CN=intruder"
              " -addext subjectAltName=DNS:intruder.example"
              " -addext extendedKeyUsage=clientAuth");
  }
  ~TestCerts() { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  bool ok() const { return ok_; }
  const std::string& dir() const { return dir_; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  std::string Read(const std::string& name) const {
    std::ifstream in(Path(name));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void Write(const std::string& name, const std::string& content) const {
    std::ofstream(Path(name), std::ios::trunc) << content;
  }

 private:
  bool Run(const std::string& cmd) const {
    return std::system(("cd '" + dir_ + "' && " + cmd + " >/dev/null 2>&1").c_str()) == 0;
  }
  bool Signed(const std::string& name, const std::string& cn) const {
    return Run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name +
               ".key -out " + name + ".csr -subj /CN=" + cn) &&
           Run("openssl x509 -req -in " + name +
               ".csr -CA ca.crt -CAkey ca.key -CAcreateserial"
               " -days 3650 -out " +
               name + ".crt -extfile " + name + ".ext");
  }

  std::string dir_;
  bool ok_ = false;
};

}  // namespace sextant::api::web::testing
