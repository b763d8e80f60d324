#include "normcheck/parallel.h"

#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace normcheck {

namespace {
std::atomic<unsigned> g_jobs{0};
}  // namespace

void set_jobs(unsigned n) { g_jobs = n; }

unsigned jobs() {
  const unsigned j = g_jobs;
  if (j) return j;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores ? cores : 1;
}

void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn) {
  const std::size_t workers = std::min<std::size_t>(jobs(), n);
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(n);
  auto work = [&] {
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
