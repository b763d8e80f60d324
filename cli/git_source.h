// Rule files as they are in a git revision, read without a checkout (`diff
// --git REV`): git is run (posix_spawnp, an argument vector, no shell) only
// because the user asked for it on the command line; nothing in a rule file
// can make normcheck run a program (docs/security.md).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace normcheck::cli {

struct GitRevision {
  std::vector<std::string> files;               // the `.norm` files of the paths given, sorted, as working-tree paths
  std::map<std::string, std::string> overlays;  // every `.norm` file of the revision, by canonical working-tree path
};

// Reads PATHS (files or directories, in the working tree of one repository)
// as they are in revision REV. On failure returns false with ERROR set.
bool read_git_revision(const std::string& rev, const std::vector<std::string>& paths, std::size_t max_file_bytes, GitRevision& out,
                       std::string& error);

}  // namespace normcheck::cli
