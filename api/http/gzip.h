#pragma once

// Response compression: gzip (RFC 1952) through zlib, for clients that send
// "Accept-Encoding: gzip", as Prometheus's compression handler does.
//
// Thread-safety: the functions are pure.

#include <string>
#include <string_view>

namespace sextant::api::http {

// Whether an Accept-Encoding header value accepts gzip (a "gzip" or "*" coding without q=0).
bool AcceptsGzip(std::string_view accept_encoding);

// Whether a body of this Content-Type is worth compressing (text, JSON, XML, protobuf text).
bool IsCompressible(std::string_view content_type);

// `data` as one gzip member at zlib's `level` (1-9). The default compresses for speed (level 1):
// responses are compressed once per request on the server's critical path, and JSON shrinks ~10x
// at any level; what is compressed once and sent many times (the UI's assets) takes 9.
// Returns "" if zlib fails (the caller then sends the body uncompressed).
std::string GzipCompress(std::string_view data, int level = 1);

}  // namespace sextant::api::http
