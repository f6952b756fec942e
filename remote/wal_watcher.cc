#include "remote/wal_watcher.h"
