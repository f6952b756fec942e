#pragma once

// Helpers for tests of storages: everything a querier selects, rendered for comparison.

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "model/matcher.h"
#include "model/sample.h"
#include "tsdb/storage.h"

namespace sextant::tsdb::testing {

using SelectedSeries = std::vector<std::pair<std::string, std::vector<model::Sample>>>;

// Each series `q` selects for `matchers` (labels rendered as Prometheus does) with its samples.
// Fails the current test on any error.
inline SelectedSeries SelectAll(Querier& q, const std::vector<model::Matcher>& matchers) {
  SelectedSeries out;
  auto set = q.Select(matchers);
  while (set->Next()) {
    std::vector<model::Sample> samples;
    auto it = set->At().Iterator();
    EXPECT_TRUE(ReadAll(*it, &samples).ok()) << it->status();
    out.emplace_back(set->At().labels().ToString(), std::move(samples));
  }
  EXPECT_TRUE(set->status().ok()) << set->status();
  return out;
}

// The same through a fresh querier of `storage` over [mint, maxt].
inline SelectedSeries SelectAll(Storage& storage, int64_t mint, int64_t maxt,
                                const std::vector<model::Matcher>& matchers) {
  auto q = storage.NewQuerier(mint, maxt);
  EXPECT_TRUE(q.ok()) << q.status();
  if (!q.ok()) return {};
  return SelectAll(**q, matchers);
}

}  // namespace sextant::tsdb::testing
