#pragma once
// Self-documenting options (PETSc-style): every module declares its options with a default and a
// meaning; `msflow help` prints them; a parsed Config holds the effective value of each and can
// be printed and stored in output files. Values are kept as text and converted on access, so an
// ill-formed value is reported with the option's name.
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace msflow {

/// Whether an option can change what a run computes. Operational options (output name,
/// progress cadence, checkpointing, resume) cannot: they are left out of the configuration
/// stored in output files and of the configuration hash, so that a resumed run, or the same run
/// written elsewhere, produces a bitwise identical file.
enum class OptionKind { kResult, kOperational };

struct OptionSpec {
  std::string name;           ///< dotted: "model.N"
  std::string default_value;  ///< as text; "" means "no default" (optional option)
  std::string help;
  OptionKind kind = OptionKind::kResult;
};

class OptionCatalog;

/// Declares the options of one INI section: `catalog.section("fit").add("L", "256", "...")`.
/// A component that can be configured from several sections (the invariant-law flow under
/// [flow], the posterior flow under [posterior]) takes the section name as a parameter.
class OptionSection {
 public:
  OptionSection(OptionCatalog& catalog, std::string section)
      : catalog_(catalog), section_(std::move(section)) {}
  OptionSection& add(const std::string& key, const std::string& default_value,
                     const std::string& help, OptionKind kind = OptionKind::kResult);

 private:
  OptionCatalog& catalog_;
  std::string section_;
};

/// The catalogue of every option msflow knows, grouped by INI section.
class OptionCatalog {
 public:
  OptionSection section(const std::string& name) { return OptionSection(*this, name); }
  /// Declares [section] key with a default and a one-line meaning.
  void add(const std::string& section, const std::string& key, const std::string& default_value,
           const std::string& help, OptionKind kind = OptionKind::kResult);
  const std::vector<OptionSpec>& options() const { return options_; }
  const OptionSpec* find(const std::string& name) const;
  /// Known option names closest to a misspelled one (for error messages).
  std::vector<std::string> suggestions(const std::string& misspelled) const;
  /// Human-readable listing of the given sections (all if empty).
  std::string describe(const std::vector<std::string>& sections) const;

 private:
  std::vector<OptionSpec> options_;
};

/// The effective configuration: defaults < INI file (--config) < command line.
class Config {
 public:
  /// Parses `--section.key value` / `--section.key=value` arguments and the INI file named by
  /// --config. Unknown options are InputErrors naming the option; `allowed_sections` limits
  /// which sections the current command accepts (empty: all).
  static Config parse(const OptionCatalog& catalog, const std::vector<std::string>& args,
                      const std::vector<std::string>& allowed_sections);
  /// The configuration stored in an output file (to_ini text, comments allowed): every key must
  /// be in the catalogue; options the text does not mention keep their defaults. `where` names
  /// the source in messages. `sections` as for parse().
  static Config from_ini(const OptionCatalog& catalog, const std::string& text,
                         const std::string& where, const std::vector<std::string>& sections);

  bool has(const std::string& name) const;         ///< a value (default or given) exists
  bool is_default(const std::string& name) const;  ///< not set by file or command line
  std::string get_string(const std::string& name) const;
  double get_double(const std::string& name) const;
  long get_int(const std::string& name) const;
  std::uint64_t get_uint64(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  /// A comma-separated list of numbers; a single number is broadcast to `size` entries.
  std::vector<double> get_vector(const std::string& name, std::size_t size) const;

  /// Records the value an "auto" option resolved to (shown as such by to_ini()).
  void resolve(const std::string& name, const std::string& value);
  /// "section.key = value" for every option resolve() has set, in catalogue order.
  std::vector<std::string> resolved() const;

  /// The effective configuration as INI text (sections in catalogue order); each value not
  /// taken from the defaults is annotated with where it came from. `results_only` leaves out
  /// the operational options (what output files store).
  std::string to_ini(bool results_only = false) const;
  /// The same for the options this run has read so far (what applies to the chosen model,
  /// estimator, flow and optimizer): the "# effective options" printout.
  std::string to_ini_used() const;
  /// Options set in the file or on the command line that this run never read (as PETSc's
  /// -options_left reports its own): typically a key of another model or optimizer.
  std::vector<std::string> unused_given() const;
  /// FNV-1a hash of the values of the result options, for checkpoint compatibility checks.
  std::uint64_t hash() const;
  const std::string& config_file() const { return config_file_; }

 private:
  enum class Origin { kDefault, kFile, kCommandLine, kResolved };
  struct Entry {
    std::string value;
    Origin origin = Origin::kDefault;
  };
  /// The value of `name`, recorded as read.
  const Entry& entry(const std::string& name) const;
  std::string ini_text(bool results_only, bool used_only) const;
  /// Every declared option at its default.
  static Config with_defaults(const OptionCatalog& catalog);
  /// Reads `key = value` lines under [section] headers (origin: file).
  void merge_ini(const OptionCatalog& catalog, std::istream& in, const std::string& source);
  /// Whether `name` belongs to the sections of the command being run (all if none given).
  bool in_scope(const std::string& name) const;

  std::vector<std::string> order_;
  std::map<std::string, OptionKind> kinds_;
  std::vector<std::string> sections_;  ///< the command's sections; to_ini() and hash() show them
  std::map<std::string, Entry> values_;
  std::string config_file_;
  /// Names read through entry(); shared by copies, so a component reading a copy counts.
  std::shared_ptr<std::set<std::string>> used_ = std::make_shared<std::set<std::string>>();
};

}  // namespace msflow
