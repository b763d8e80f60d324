// Time limits on solver calls without Z3's `timeout` parameter.
//
// Z3 4.8.12 (Debian 12's libz3) implements `timeout` with a pool of timer
// threads that can deadlock: when a timer expires, its worker returns to the
// pool while the solver thread still holds the worker's mutex, and the next
// timer Z3 creates inside the same call takes that worker and waits for the
// mutex forever (Z3 pull request #5371). `normcheck check --timeout-ms 200
// tests/golden/inputs/ok/hard.norm` hung that way with no CPU use (found by
// fuzz_pipeline, docs/fuzzing.md). So no query sets `timeout`: a watchdog
// thread per context interrupts the running call (Z3_interrupt) when its time
// is up, and Z3 never starts a timer of its own. An interrupt that lands just
// after a call returned is harmless: Z3 clears it at the start of the next one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <z3++.h>

namespace normcheck::detail {

class Watchdog {
 public:
  explicit Watchdog(z3::context& ctx) : ctx_(ctx) {}
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // Runs CALL (one solver call on the context), interrupting it after MS milliseconds.
  template <class F>
  auto run(unsigned ms, F&& call) -> decltype(call()) {
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
    {
      std::lock_guard<std::mutex> lock(mutex_);
      deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
      armed_ = true;
      fired_ = false;
    }
    cv_.notify_all();
    struct Disarm {
      Watchdog& w;
      ~Disarm() {
        std::lock_guard<std::mutex> lock(w.mutex_);
        w.armed_ = false;
      }
    } disarm{*this};
    return call();
  }

  // Whether the last call was interrupted because its time was up.
  bool fired() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return fired_;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      if (!armed_) {
        cv_.wait(lock);
      } else if (std::chrono::steady_clock::now() < deadline_) {
        cv_.wait_until(lock, deadline_);
      } else {
        // Under the lock: the call cannot be disarmed (return) meanwhile.
        fired_ = true;
        armed_ = false;
        ctx_.interrupt();
      }
    }
  }

  z3::context& ctx_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::chrono::steady_clock::time_point deadline_;
  bool armed_ = false;
  bool fired_ = false;
  bool stop_ = false;
  std::thread thread_;
};

// A solver whose check() runs under a Watchdog; reason_unknown() says
// `timeout` when the watchdog interrupted it. Keep the static type (`auto s =
// ck.solver()`): a z3::solver copy would check without any time limit.
//
// A TimedSolver may also be a scope on a reused solver (Checker's pool): it
// pushes when made and, when it goes, pops and hands the solver back, so a
// query sees only its own assertions but Z3 keeps its solver state.
class TimedSolver : public z3::solver {
 public:
  TimedSolver(z3::context& ctx, Watchdog& dog, unsigned ms) : z3::solver(ctx), dog_(&dog), ms_(ms) {}
  TimedSolver(const z3::solver& shared, Watchdog& dog, unsigned ms, bool* busy) : z3::solver(shared), dog_(&dog), ms_(ms), busy_(busy) {
    *busy_ = true;
    push();
  }
  TimedSolver(TimedSolver&& o) noexcept : z3::solver(o), dog_(o.dog_), ms_(o.ms_), busy_(o.busy_) { o.busy_ = nullptr; }
  TimedSolver(const TimedSolver&) = delete;
  TimedSolver& operator=(const TimedSolver&) = delete;
  ~TimedSolver() {
    if (!busy_) return;
    try {
      pop();
    } catch (const z3::exception&) {
      // the solver is left as it is; it is not handed back
      return;
    }
    *busy_ = false;
  }
  z3::check_result check() { return dog_->run(ms_, [&] { return z3::solver::check(); }); }
  z3::check_result check(const z3::expr_vector& assumptions) {
    return dog_->run(ms_, [&] { return z3::solver::check(assumptions); });
  }
  std::string reason_unknown() const { return dog_->fired() ? "timeout" : z3::solver::reason_unknown(); }

 private:
  Watchdog* dog_;
  unsigned ms_;
  bool* busy_ = nullptr;  // a pooled solver: its slot's "in use" flag
};

}  // namespace normcheck::detail
