// The second opinion: SMT-LIB2 files for the queries of a check, and cvc5
// re-deciding them. Deliberately free of Z3: the scripts are text, cvc5 a
// separate process started with an argument vector (no shell).
#include "normcheck/crosscheck.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

extern char** environ;

namespace normcheck {

namespace {

std::string subject_id(const ir::Program& prog, int subject) {
  return subject < 0 ? std::string("current_law") : prog.rulesets[static_cast<std::size_t>(subject)].id;
}

std::string norm_id(const ir::Program& prog, int norm) {
  return norm < 0 ? std::string("none") : prog.norms[static_cast<std::size_t>(norm)].id;
}

// Ids are names with dots; anything else a file name should not hold becomes `_`.
std::string file_safe(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  return out;
}

// A temporary file that removes itself.
struct TempFile {
  std::string path;
  int fd = -1;
  TempFile() {
    const char* dir = std::getenv("TMPDIR");
    std::string templ = std::string(dir && *dir ? dir : "/tmp") + "/normcheck-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    fd = mkstemp(buf.data());
    if (fd >= 0) path = buf.data();
  }
  ~TempFile() {
    if (fd >= 0) close(fd);
    if (!path.empty()) unlink(path.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  bool ok() const { return fd >= 0; }
};

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Run {
  std::vector<std::string> answers;  // sat, unsat, unknown: one per (check-sat) answered
  std::string error;                 // cvc5's (error ...) after the last answer, or why it stopped
  bool stopped = false;              // ended before answering every query
  bool fatal = false;                // the solver could not be started at all
};

// Runs SOLVER on the scripts, separated by `(reset)`, each query limited to
// TIMEOUT_MS; the process as a whole to the sum and a margin.
Run run_batch(const std::string& solver, const std::vector<const std::string*>& scripts, unsigned timeout_ms) {
  Run run;
  TempFile in, out, err;
  if (!in.ok() || !out.ok() || !err.ok()) {
    run.stopped = true;
    run.error = fmt::format("cannot create a temporary file: {}", std::strerror(errno));
    return run;
  }
  std::string text;
  for (std::size_t i = 0; i < scripts.size(); ++i) {
    if (i > 0) text += "(reset)\n";
    text += *scripts[i];
  }
  if (!write_all(in.fd, text)) {
    run.stopped = true;
    run.error = fmt::format("cannot write a temporary file: {}", std::strerror(errno));
    return run;
  }
  const std::uint64_t total_ms = static_cast<std::uint64_t>(timeout_ms) * scripts.size() + 10000;
  std::vector<std::string> args = {solver, "--lang=smt2", fmt::format("--tlimit-per={}", timeout_ms), fmt::format("--tlimit={}", total_ms),
                                   in.path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fd, STDERR_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, solver.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    run.stopped = true;
    run.fatal = true;
    run.error = fmt::format("cannot run `{}`: {}", solver, std::strerror(rc));
    return run;
  }
  // cvc5 enforces --tlimit itself; a hard stop a little later guards against a hang
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(total_ms + 5000);
  int status = 0;
  bool killed = false;
  for (;;) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) break;
    if (!killed && std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const std::string output = read_file(out.path);
  std::istringstream lines(output);
  std::string line, error;
  while (std::getline(lines, line)) {
    if (!error.empty()) {
      error += "\n" + line;
      continue;
    }
    if (line == "sat" || line == "unsat" || line == "unknown") run.answers.push_back(line);
    else if (line.rfind("(error", 0) == 0) error = line;
  }
  if (run.answers.size() < scripts.size()) {
    run.stopped = true;
    if (!error.empty()) run.error = error;
    else if (killed) run.error = "cvc5 ran out of time";
    else if (WIFSIGNALED(status)) run.error = fmt::format("cvc5 was ended by signal {}", WTERMSIG(status));
    else {
      std::string e = read_file(err.path);
      while (!e.empty() && (e.back() == '\n' || e.back() == '\r')) e.pop_back();
      run.error = fmt::format("cvc5 stopped (exit status {}){}", WIFEXITED(status) ? WEXITSTATUS(status) : -1, e.empty() ? "" : ": " + e);
    }
  }
  return run;
}

}  // namespace

std::string query_file_name(const ir::Program& prog, const SolverQuery& q, std::size_t index, std::size_t total) {
  const std::size_t width = std::max<std::size_t>(3, std::to_string(total).size());
  return fmt::format("{:0{}}-{}-{}-{}.smt2", index, width, file_safe(subject_id(prog, q.subject)), file_safe(q.kind),
                     file_safe(norm_id(prog, q.norm)));
}

std::string describe_query(const ir::Program& prog, const SolverQuery& q, std::size_t index) {
  return fmt::format("query {} ({}, norm `{}`) of {} at {}", index, q.kind, norm_id(prog, q.norm),
                     q.subject < 0 ? std::string("current law") : fmt::format("measure `{}`", subject_id(prog, q.subject)),
                     ir::format_date(q.at));
}

std::string query_file_text(const ir::Program& prog, const SolverQuery& q, std::size_t index, std::size_t total) {
  std::string text = fmt::format("; normcheck, {} of {}\n", describe_query(prog, q, index), total);
  text += q.smt2;
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += fmt::format("; z3: {}\n", q.answer);
  return text;
}

bool solver_available(const std::string& solver) {
  if (solver.find('/') != std::string::npos) return access(solver.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string p = (dir.empty() ? std::string(".") : dir) + "/" + solver;
    struct stat st {};
    if (stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0) return true;
  }
  return false;
}

SolverAnswers run_solver(const std::vector<std::string>& scripts, const CrossCheckOptions& o) {
  SolverAnswers out;
  out.answers.assign(scripts.size(), "");
  std::size_t next = 0;
  const std::size_t batch = std::max<std::size_t>(1, o.batch);
  while (next < scripts.size()) {
    std::vector<const std::string*> part;
    for (std::size_t i = next; i < scripts.size() && part.size() < batch; ++i) part.push_back(&scripts[i]);
    Run run = run_batch(o.solver, part, o.timeout_ms);
    for (std::size_t k = 0; k < run.answers.size(); ++k) out.answers[next + k] = run.answers[k];
    next += run.answers.size();
    if (run.fatal) {
      for (; next < scripts.size(); ++next) {
        out.answers[next] = "error";
        out.errors.emplace_back(next, run.error);
      }
      break;
    }
    if (run.stopped) {
      // the script the solver stopped at; go on with the ones after it
      out.answers[next] = "error";
      out.errors.emplace_back(next, run.error);
      ++next;
    }
  }
  return out;
}

CrossCheckReport cross_check(const ir::Program& prog, const std::vector<SolverQuery>& queries, const CrossCheckOptions& o,
                             std::size_t first_index) {
  CrossCheckReport r;
  r.queries = queries.size();
  std::vector<std::string> scripts;
  for (const auto& q : queries) scripts.push_back(q.smt2);
  SolverAnswers a = run_solver(scripts, o);
  r.answers = std::move(a.answers);
  std::set<std::string> fatal;
  for (const auto& [i, why] : a.errors) {
    if (r.answers.size() > 1 && why.rfind("cannot run", 0) == 0) {  // said once, not per query
      if (fatal.insert(why).second) r.errors.push_back(why);
      continue;
    }
    r.errors.push_back(fmt::format("cvc5 could not decide {}: {}", describe_query(prog, queries[i], first_index + i), why));
  }
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const std::string& z = queries[i].answer;
    const std::string& c = r.answers[i];
    if (c == "error") continue;
    if (z == "unknown" || c == "unknown") {
      ++r.not_checked;
    } else if (z == c) {
      ++r.agreed;
    } else {
      r.disagreements.push_back(
          fmt::format("cvc5 disagrees with z3 on {}: z3 says {}, cvc5 says {}", describe_query(prog, queries[i], first_index + i), z, c));
    }
  }
  return r;
}

}  // namespace normcheck
