#include "discovery/kubernetes/informer.h"
