#include "discovery/kubernetes/kubeconfig.h"
