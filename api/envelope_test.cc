#include "api/envelope.h"

#include <gtest/gtest.h>

namespace sextant::api {
namespace {

TEST(Envelope, SuccessAndErrorShapes) {
  EXPECT_EQ(SuccessBody("[]"), R"({"status":"success","data":[]})");
  EXPECT_EQ(ErrorBody(ErrorType::kBadData, "bad \"x\""),
            R"({"status":"error","errorType":"bad_data","error":"bad \"x\""})");
}

TEST(Envelope, PrometheusHttpCodes) {
  EXPECT_EQ(ErrorTypeHttpCode(ErrorType::kBadData), 400);
  EXPECT_EQ(ErrorTypeHttpCode(ErrorType::kExecution), 422);
  EXPECT_EQ(ErrorTypeHttpCode(ErrorType::kCanceled), 499);
  EXPECT_EQ(ErrorTypeHttpCode(ErrorType::kTimeout), 503);
  EXPECT_EQ(ErrorTypeHttpCode(ErrorType::kInternal), 500);
  EXPECT_EQ(ErrorTypeHttpCode(ErrorType::kNotFound), 404);
  EXPECT_EQ(ErrorTypeName(ErrorType::kExecution), "execution");
}

}  // namespace
}  // namespace sextant::api
