#pragma once
// WalWatcher: to come (issue 15).
