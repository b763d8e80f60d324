#include "normcheck/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace normcheck {

namespace {
std::atomic<unsigned> g_jobs{0};
thread_local bool t_worker = false;  // this thread runs a parallel_for task
}  // namespace

void set_jobs(unsigned n) { g_jobs = n; }

unsigned jobs() {
  const unsigned j = g_jobs;
  if (j) return j;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores ? cores : 1;
}

void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn) {
  // a parallel_for inside a task (explain checking its subject) runs on the
  // task's own thread: the pool is never oversubscribed
  const std::size_t workers = t_worker ? 1 : std::min<std::size_t>(jobs(), n);
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(n);
  auto work = [&] {
    const bool was = t_worker;
    t_worker = true;
    struct Restore {
      bool was;
      ~Restore() { t_worker = was; }
    } restore{was};
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      try {
        fn(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace normcheck
