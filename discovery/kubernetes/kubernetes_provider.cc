#include "discovery/kubernetes/kubernetes_provider.h"
