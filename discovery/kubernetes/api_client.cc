#include "discovery/kubernetes/api_client.h"
