#include "msflow/io/output_path.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "msflow/core/error.hpp"

namespace msflow {

namespace {

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

void validate_output_path(const std::string& option, const std::string& path,
                          const std::vector<std::string>& inputs) {
  const std::string where = "option --" + option + " '" + path + "': ";
  require(!path.empty(), where + "empty path");
  require(path.back() != '/', where + "names a directory");
  struct stat output {};
  if (stat(path.c_str(), &output) == 0) {
    require(!S_ISDIR(output.st_mode), where + "is a directory");
    require(S_ISREG(output.st_mode),
            where +
                "exists and is not a regular file (a device or a pipe): refusing to "
                "replace it");
    for (const auto& input : inputs) {
      struct stat in {};
      if (input.empty() || stat(input.c_str(), &in) != 0) continue;
      require(!(in.st_dev == output.st_dev && in.st_ino == output.st_ino),
              where + "is the input file '" + input + "'; choose another --" + option +
                  " (msflow never overwrites an input)");
    }
  }
  const std::string directory = directory_of(path);
  struct stat parent {};
  require(stat(directory.c_str(), &parent) == 0 && S_ISDIR(parent.st_mode),
          where + "directory '" + directory + "' does not exist");
  require(access(directory.c_str(), W_OK | X_OK) == 0,
          where + "directory '" + directory + "' is not writable (" + std::strerror(errno) + ")");
}

}  // namespace msflow
