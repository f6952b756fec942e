#include "api/envelope.h"

#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::api {

std::string_view ErrorTypeName(ErrorType type) {
  switch (type) {
    case ErrorType::kBadData:
      return "bad_data";
    case ErrorType::kExecution:
      return "execution";
    case ErrorType::kCanceled:
      return "canceled";
    case ErrorType::kTimeout:
      return "timeout";
    case ErrorType::kInternal:
      return "internal";
    case ErrorType::kNotFound:
      return "not_found";
    case ErrorType::kUnavailable:
      return "unavailable";
  }
  return "internal";
}

int ErrorTypeHttpCode(ErrorType type) {
  switch (type) {
    case ErrorType::kBadData:
      return 400;
    case ErrorType::kExecution:
      return 422;
    case ErrorType::kCanceled:
      return 499;
    case ErrorType::kTimeout:
      return 503;
    case ErrorType::kInternal:
      return 500;
    case ErrorType::kNotFound:
      return 404;
    case ErrorType::kUnavailable:
      return 503;
  }
  return 500;
}

std::string SuccessBody(std::string_view data_json) {
  return util::StrCat("{\"status\":\"success\",\"data\":", data_json, "}");
}

std::string ErrorBody(ErrorType type, std::string_view message) {
  return util::StrCat("{\"status\":\"error\",\"errorType\":\"", ErrorTypeName(type),
                      "\",\"error\":", util::QuoteJson(message), "}");
}

}  // namespace sextant::api
