// The TCP of the simulator, set as ns-3 defaults to behave as Linux's does where recovery depends
// on it. One place: the scenario topology and the model's own tests use it alike.
#pragma once

namespace mprecover
{
namespace sim
{

/**
 * Sets the TCP attributes of the experiments as ns-3 defaults: Linux's 200 ms minimum RTO,
 * 1 s initial SYN timeout and 40 ms delayed-ACK timeout (ns-3 has 1 s, 3 s and 200 ms), its 15
 * data retries, SACK, 1448-byte segments (1500-byte packets with timestamps) and 4 MiB buffers,
 * enough for 100 Mbit/s over a 300 ms RTT. Congestion control stays ns-3's default, Cubic.
 * Sockets take the defaults when they are created: call it before building a topology.
 */
void ConfigureLinuxTcpDefaults();

} // namespace sim
} // namespace mprecover
