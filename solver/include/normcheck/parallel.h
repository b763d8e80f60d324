// Parallel checks (`-j N`): independent analyses (one per subject) run on a
// pool of worker threads, each analysis with its own z3::context, and their
// results are collected by index, so the output never depends on scheduling.
#pragma once

#include <cstddef>
#include <functional>

namespace normcheck {

// The number of workers (0: one per core, the default). Process-wide: set it
// once before any analysis.
void set_jobs(unsigned jobs);
unsigned jobs();

// Runs FN(i) for every i in [0, N) on up to jobs() threads (never more than
// N; one job runs on the calling thread). FN(i) must touch only its own
// result slot and build its own Z3 context: Z3 objects of one context are
// never shared with another thread. If calls throw, the exception of the
// lowest index is rethrown after every worker has stopped. Called from inside
// a task, it runs on that task's thread.
void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn);

}  // namespace normcheck
