#include "api/http/router.h"

#include <gtest/gtest.h>

namespace sextant::api::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&, Response& res) { res.body = name; };
}

std::string Dispatch(const Router& r, std::string_view method, std::string_view path,
                     std::vector<std::string>* params = nullptr) {
  auto m = r.Find(method, path);
  if (!m) return "none";
  if (params != nullptr) *params = m->path_params;
  Request req;
  Response res;
  m->route->handler(req, res);
  return res.body;
}

TEST(Router, LiteralsSegmentsAndTails) {
  Router r;
  r.Add("GET", "/-/healthy", Named("healthy"));
  r.Add("GET", "/api/v1/label/:name/values", Named("values"), Executor::kQuery);
  r.Add("OPTIONS", "/api/v1/*path", Named("options"));
  EXPECT_EQ(Dispatch(r, "GET", "/-/healthy"), "healthy");
  EXPECT_EQ(Dispatch(r, "HEAD", "/-/healthy"), "healthy");
  EXPECT_EQ(Dispatch(r, "POST", "/-/healthy"), "none");
  EXPECT_EQ(Dispatch(r, "GET", "/-/healthy/"), "none");
  std::vector<std::string> params;
  EXPECT_EQ(Dispatch(r, "GET", "/api/v1/label/job/values", &params), "values");
  EXPECT_EQ(params, std::vector<std::string>{"job"});
  EXPECT_EQ(r.Find("GET", "/api/v1/label/job/values")->route->executor, Executor::kQuery);
  EXPECT_EQ(Dispatch(r, "GET", "/api/v1/label//values"), "none");
  EXPECT_EQ(Dispatch(r, "GET", "/api/v1/label/a/b/values"), "none");
  EXPECT_EQ(Dispatch(r, "OPTIONS", "/api/v1/query", &params), "options");
  EXPECT_EQ(params, std::vector<std::string>{"query"});
  EXPECT_EQ(Dispatch(r, "OPTIONS", "/api/v2/query"), "none");
}

TEST(Router, RoutePrefix) {
  Router r("/sextant");
  r.Add("GET", "/-/healthy", Named("healthy"));
  EXPECT_EQ(Dispatch(r, "GET", "/sextant/-/healthy"), "healthy");
  EXPECT_EQ(Dispatch(r, "GET", "/-/healthy"), "none");
  EXPECT_EQ(Dispatch(r, "GET", "/sextantx/-/healthy"), "none");
}

}  // namespace
}  // namespace sextant::api::http
