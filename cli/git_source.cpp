#include "git_source.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "normcheck/load.h"

extern char** environ;

namespace normcheck::cli {

namespace {

namespace fs = std::filesystem;

struct Output {
  std::string out, err;
  int status = -1;      // exit status, or -1 when it did not exit normally
  bool started = true;
  bool truncated = false;
};

// Runs git with ARGS; stdout kept up to LIMIT bytes (the rest read and dropped).
Output run_git(const std::vector<std::string>& args, std::size_t limit) {
  Output o;
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0) {
    o.started = false;
    o.err = std::strerror(errno);
    return o;
  }
  if (pipe(err_pipe) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    o.started = false;
    o.err = std::strerror(errno);
    return o;
  }
  std::vector<std::string> argv_s = {"git"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    o.started = false;
    o.err = std::strerror(rc);
    return o;
  }
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      std::string& dst = i == 0 ? o.out : o.err;
      const std::size_t cap = i == 0 ? limit : 4096;
      const std::size_t keep = dst.size() < cap ? std::min<std::size_t>(cap - dst.size(), static_cast<std::size_t>(n)) : 0;
      dst.append(buf, keep);
      if (i == 0 && keep < static_cast<std::size_t>(n)) o.truncated = true;
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  while (!o.err.empty() && (o.err.back() == '\n' || o.err.back() == '\r')) o.err.pop_back();
  return o;
}

std::string failure(const Output& o, const std::string& what) {
  if (!o.started) return fmt::format("cannot run git: {}", o.err);
  return fmt::format("{}{}", what, o.err.empty() ? "" : ": " + o.err);
}

bool below(const fs::path& p, const fs::path& dir) {
  auto a = p.begin(), b = dir.begin();
  for (; b != dir.end() && !b->empty(); ++a, ++b)
    if (a == p.end() || *a != *b) return false;
  return true;
}

}  // namespace

bool read_git_revision(const std::string& rev, const std::vector<std::string>& paths, std::size_t max_file_bytes, GitRevision& out,
                       std::string& error) {
  if (rev.empty() || rev[0] == '-') {
    error = fmt::format("`{}` is not a git revision", rev);
    return false;
  }
  // the repository: the one the first path lies in
  std::error_code ec;
  const fs::path first = fs::absolute(paths.empty() ? fs::path(".") : fs::path(paths[0]), ec).lexically_normal();
  fs::path dir = fs::is_directory(first, ec) ? first : first.parent_path();
  while (!dir.empty() && !fs::is_directory(dir, ec) && dir != dir.root_path()) dir = dir.parent_path();
  const auto top = run_git({"-C", dir.string(), "rev-parse", "--show-toplevel"}, 1 << 16);
  if (top.status != 0) {
    error = failure(top, fmt::format("`{}` is not in a git repository", paths.empty() ? "." : paths[0]));
    return false;
  }
  std::string top_dir = top.out;
  while (!top_dir.empty() && (top_dir.back() == '\n' || top_dir.back() == '\r')) top_dir.pop_back();
  const fs::path root = fs::path(top_dir);
  const auto verify = run_git({"-C", top_dir, "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"}, 1 << 16);
  if (verify.status != 0) {
    error = failure(verify, fmt::format("`{}` is not a revision of the git repository that holds `{}`", rev, paths.empty() ? "." : paths[0]));
    return false;
  }
  std::string commit = verify.out;
  while (!commit.empty() && (commit.back() == '\n' || commit.back() == '\r')) commit.pop_back();
  // every `.norm` file of the revision: imports may reach beyond the paths given
  const auto tree = run_git({"-C", top_dir, "ls-tree", "-r", "-z", "--name-only", "--full-tree", commit}, std::size_t{1} << 28);
  if (tree.status != 0 || tree.truncated) {
    error = failure(tree, fmt::format("cannot list the files of `{}`", rev));
    return false;
  }
  const fs::path canon_root = fs::path(canonical_path(top_dir));
  std::vector<std::string> names;
  for (std::size_t at = 0; at < tree.out.size();) {
    const std::size_t end = tree.out.find('\0', at);
    const std::string name = tree.out.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? tree.out.size() : end + 1;
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".norm") == 0) names.push_back(name);
  }
  std::vector<fs::path> wanted;  // the paths given, relative to the repository
  for (const auto& p : paths) {
    const fs::path abs = fs::path(canonical_path(p));
    if (!below(abs, canon_root)) {
      error = fmt::format("`{}` is not in the git repository that holds `{}`", p, paths[0]);
      return false;
    }
    wanted.push_back(abs.lexically_relative(canon_root));
  }
  if (names.size() > 10000) {
    error = fmt::format("revision `{}` holds more than 10000 `.norm` files", rev);
    return false;
  }
  for (const auto& name : names) {
    const auto blob = run_git({"-C", top_dir, "cat-file", "blob", commit + ":" + name}, max_file_bytes + 1);
    if (blob.status != 0) {
      error = failure(blob, fmt::format("cannot read `{}` in `{}`", name, rev));
      return false;
    }
    const fs::path rel(name);
    out.overlays[canonical_path((canon_root / rel).string())] = blob.out;
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      if (wanted[i] == rel || wanted[i] == "." || below(rel, wanted[i])) {
        // shown as the path was given: `rules/x.norm`
        const fs::path shown = (fs::path(paths[i]) / rel.lexically_relative(wanted[i])).lexically_normal();
        out.files.push_back(wanted[i] == rel ? paths[i] : shown.string());
        break;
      }
    }
  }
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    bool any = false;
    for (const auto& name : names) any = any || fs::path(name) == wanted[i] || wanted[i] == "." || below(fs::path(name), wanted[i]);
    if (!any) {
      error = fmt::format("no `.norm` file at `{}` in revision `{}`", paths[i], rev);
      return false;
    }
  }
  std::sort(out.files.begin(), out.files.end());
  out.files.erase(std::unique(out.files.begin(), out.files.end()), out.files.end());
  return true;
}

}  // namespace normcheck::cli
