#pragma once

// Merging: the database answers a query from the head and from each persistent partition, each a
// SeriesSet sorted by labels. MergeSeriesSets() interleaves them into one sorted set; a label set
// present in several inputs becomes one series whose iterator merges theirs by timestamp (on equal
// timestamps the earlier input wins, so list the freshest source first).

#include <memory>
#include <vector>

#include "tsdb/storage.h"

namespace sextant::tsdb {

std::unique_ptr<SeriesSet> MergeSeriesSets(std::vector<std::unique_ptr<SeriesSet>> sets);

// Merges iterators by timestamp, dropping duplicates (the first iterator's sample wins).
std::unique_ptr<SeriesIterator> MergeIterators(std::vector<std::unique_ptr<SeriesIterator>> its);

}  // namespace sextant::tsdb
