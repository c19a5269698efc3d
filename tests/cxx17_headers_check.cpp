// Compiled as C++17: the headers a backend includes must stay C++17-clean, because ns-3 3.37's
// headers do not compile as C++20 and the sim backend is therefore built as C++17.
#include "engine/engine.h"
#include "engine/metrics.h"
#include "core/network/network_port.h"
#include "core/network/outage_kinds.h"
#include "core/results/run_recorder.h"
#include "core/scenario/scenario.h"
