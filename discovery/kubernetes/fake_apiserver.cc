#include "discovery/kubernetes/fake_apiserver.h"
