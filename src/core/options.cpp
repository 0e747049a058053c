#include "msflow/core/options.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "msflow/core/error.hpp"

namespace msflow {
namespace po = boost::program_options;

namespace {

// "model.N" -> "model"; undotted names ("out", "data") are general options: section "".
std::string section_of(const std::string& name) {
  const auto dot = name.find('.');
  return dot == std::string::npos ? std::string() : name.substr(0, dot);
}

std::string key_of(const std::string& name) {
  const auto dot = name.find('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

OptionSection& OptionSection::add(const std::string& key, const std::string& default_value,
                                  const std::string& help, OptionKind kind) {
  catalog_.add(section_, key, default_value, help, kind);
  return *this;
}

void OptionCatalog::add(const std::string& section, const std::string& key,
                        const std::string& default_value, const std::string& help,
                        OptionKind kind) {
  const std::string name = section.empty() ? key : section + "." + key;
  if (find(name)) throw std::logic_error("option declared twice: " + name);
  options_.push_back({name, default_value, help, kind});
}

const OptionSpec* OptionCatalog::find(const std::string& name) const {
  for (const auto& option : options_)
    if (option.name == name) return &option;
  return nullptr;
}

std::vector<std::string> OptionCatalog::suggestions(const std::string& misspelled) const {
  std::vector<std::pair<std::size_t, std::string>> ranked;
  for (const auto& option : options_) {
    const std::size_t distance = edit_distance(misspelled, option.name);
    if (distance <= 2 + misspelled.size() / 8) ranked.emplace_back(distance, option.name);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> names;
  for (std::size_t i = 0; i < ranked.size() && i < 3; ++i)
    names.push_back(ranked[i].second);
  return names;
}

std::string OptionCatalog::describe(const std::vector<std::string>& sections) const {
  std::ostringstream out;
  std::string current;
  for (const auto& option : options_) {
    const std::string section = section_of(option.name);
    if (!sections.empty() && std::find(sections.begin(), sections.end(), section) == sections.end())
      continue;
    if (section != current || &option == &options_.front()) {
      out << "\n  " << (section.empty() ? "general" : "[" + section + "]") << "\n";
      current = section;
    }
    std::string left = "    --" + option.name + " " +
                       (option.default_value.empty() ? "(unset)" : option.default_value);
    if (left.size() < 42)
      left.resize(42, ' ');
    else
      left += "\n" + std::string(42, ' ');
    out << left << option.help << "\n";
  }
  return out.str();
}

namespace {

[[noreturn]] void reject_unknown(const OptionCatalog& catalog, const std::string& name,
                                 const std::string& where) {
  std::string message = "unknown option '" + name + "'" + where;
  const auto close = catalog.suggestions(name);
  if (!close.empty()) {
    message += "; did you mean";
    for (std::size_t i = 0; i < close.size(); ++i)
      message += (i ? ", --" : " --") + close[i];
    message += "?";
  }
  throw InputError(message + " (msflow help lists every option)");
}

}  // namespace

Config Config::with_defaults(const OptionCatalog& catalog) {
  Config config;
  for (const auto& option : catalog.options()) {
    config.order_.push_back(option.name);
    config.kinds_[option.name] = option.kind;
    if (!option.default_value.empty())
      config.values_[option.name] = {option.default_value, Origin::kDefault};
  }
  return config;
}

void Config::merge_ini(const OptionCatalog& catalog, std::istream& in, const std::string& source) {
  // Parsed by hand (not po::parse_config_file) to name the file and line of each problem.
  std::string line, section;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    const std::string where = " in " + source + ":" + std::to_string(line_number);
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF line ends
    const auto comment = line.find_first_of("#;");
    line = trim(line.substr(0, comment));
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']') throw InputError("malformed section header '" + line + "'" + where);
      section = trim(line.substr(1, line.size() - 2));
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string::npos)
      throw InputError("expected 'key = value', got '" + line + "'" + where);
    const std::string key = trim(line.substr(0, equals));
    const std::string name = section.empty() ? key : section + "." + key;
    if (!catalog.find(name)) reject_unknown(catalog, name, where);
    values_[name] = {trim(line.substr(equals + 1)), Origin::kFile};
  }
}

Config Config::from_ini(const OptionCatalog& catalog, const std::string& text,
                        const std::string& where, const std::vector<std::string>& sections) {
  Config config = with_defaults(catalog);
  std::istringstream in(text);
  config.merge_ini(catalog, in, where);
  // A stored configuration (to_ini) lists every option; one at its default value stays a
  // default, so checks such as fixed_integer ("nonrev-ring requires N = 1 unless set") judge
  // it as they did in the run that wrote it.
  for (auto& [name, value] : config.values_)
    if (const OptionSpec* option = catalog.find(name);
        option && value.value == option->default_value)
      value.origin = Origin::kDefault;
  config.sections_ = sections;
  return config;
}

Config Config::parse(const OptionCatalog& catalog, const std::vector<std::string>& args,
                     const std::vector<std::string>& allowed_sections) {
  po::options_description description;
  description.add_options()("config", po::value<std::string>(), "INI file");
  // A repeated option takes its last value (as in PETSc's options database), so base options in
  // a shell variable can be overridden further along the command line.
  for (const auto& option : catalog.options())
    description.add_options()(option.name.c_str(), po::value<std::vector<std::string>>(), "");

  po::variables_map given_on_command_line;
  try {
    po::command_line_parser parser(args);
    const po::positional_options_description none;  // a bare word is a mistake, not ignored
    parser.options(description)
        .positional(none)
        .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing);
    po::store(parser.run(), given_on_command_line);
  } catch (const po::unknown_option& e) {
    std::string name = e.get_option_name();
    while (!name.empty() && name.front() == '-')
      name.erase(0, 1);
    reject_unknown(catalog, name, " on the command line");
  } catch (const po::too_many_positional_options_error&) {
    // Every option takes a value: the stray word is the first one that is not an option's.
    for (std::size_t i = 0; i < args.size();) {
      if (args[i].rfind("--", 0) == 0) {
        i += args[i].find('=') == std::string::npos ? 2 : 1;
        continue;
      }
      throw InputError("unexpected argument '" + args[i] +
                       "' on the command line (options are --section.key value)");
    }
    throw InputError("unexpected argument on the command line (options are --section.key value)");
  } catch (const po::error& e) {
    throw InputError(std::string("command line: ") + e.what());
  }

  Config config = with_defaults(catalog);
  if (given_on_command_line.count("config")) {
    config.config_file_ = given_on_command_line["config"].as<std::string>();
    std::error_code error;
    if (std::filesystem::is_directory(config.config_file_, error))
      throw InputError("config file '" + config.config_file_ + "' is a directory");
    std::ifstream file(config.config_file_);
    if (!file) throw InputError("cannot open config file '" + config.config_file_ + "'");
    config.merge_ini(catalog, file, config.config_file_);
  }
  for (const auto& [name, value] : given_on_command_line) {
    if (name == "config") continue;
    config.values_[name] = {value.as<std::vector<std::string>>().back(), Origin::kCommandLine};
  }
  config.sections_ = allowed_sections;
  if (!allowed_sections.empty()) {
    for (const auto& [name, entry] : config.values_) {
      const std::string section = section_of(name);
      // A shared INI file may describe a whole workflow (simulate, then fit): sections another
      // command reads are fine there, but not on this command's own command line.
      if (entry.origin == Origin::kCommandLine &&
          std::find(allowed_sections.begin(), allowed_sections.end(), section) ==
              allowed_sections.end())
        throw InputError("option --" + name + " does not apply to this command (sections: " + [&] {
          std::string list;
          for (const auto& s : allowed_sections)
            list += (list.empty() ? "" : ", ") + s;
          return list;
        }() + ")");
    }
  }
  return config;
}

const Config::Entry& Config::entry(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw InputError("option --" + name + " is required but not set");
  used_->insert(name);
  return it->second;
}

bool Config::has(const std::string& name) const {
  return values_.count(name) > 0;
}

bool Config::is_default(const std::string& name) const {
  const auto it = values_.find(name);
  return it == values_.end() || it->second.origin == Origin::kDefault;
}

std::string Config::get_string(const std::string& name) const {
  return entry(name).value;
}

double Config::get_double(const std::string& name) const {
  const std::string& text = entry(name).value;
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(value))
    throw InputError("option --" + name + ": '" + text + "' is not a finite number");
  return value;
}

long Config::get_int(const std::string& name) const {
  const std::string& text = entry(name).value;
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE)
    throw InputError("option --" + name + ": '" + text + "' is not an integer");
  return value;
}

std::uint64_t Config::get_uint64(const std::string& name) const {
  const std::string& text = entry(name).value;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text.front() == '-' || *end != '\0' || errno == ERANGE)
    throw InputError("option --" + name + ": '" + text + "' is not a non-negative integer");
  return value;
}

bool Config::get_bool(const std::string& name) const {
  const std::string& text = entry(name).value;
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  throw InputError("option --" + name + ": '" + text + "' is not true or false");
}

std::vector<double> Config::get_vector(const std::string& name, std::size_t size) const {
  const std::string& text = entry(name).value;
  std::vector<double> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    item = trim(item);
    char* end = nullptr;
    const double value = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !std::isfinite(value))
      throw InputError("option --" + name + ": '" + text + "' is not a comma-separated list of " +
                       "finite numbers");
    values.push_back(value);
  }
  if (values.size() == 1) values.assign(size, values.front());
  if (values.size() != size)
    throw InputError("option --" + name + ": expected 1 or " + std::to_string(size) +
                     " values, got " + std::to_string(values.size()) + " ('" + text + "')");
  return values;
}

bool Config::in_scope(const std::string& name) const {
  return sections_.empty() ||
         std::find(sections_.begin(), sections_.end(), section_of(name)) != sections_.end();
}

void Config::resolve(const std::string& name, const std::string& value) {
  if (std::find(order_.begin(), order_.end(), name) == order_.end())
    throw std::logic_error("Config::resolve of undeclared option " + name);
  values_[name] = {value, Origin::kResolved};
}

std::vector<std::string> Config::resolved() const {
  std::vector<std::string> lines;
  for (const auto& name : order_) {
    const auto it = values_.find(name);
    if (it != values_.end() && it->second.origin == Origin::kResolved)
      lines.push_back(name + " = " + it->second.value);
  }
  return lines;
}

std::string Config::to_ini(bool results_only) const {
  return ini_text(results_only, false);
}

std::string Config::to_ini_used() const {
  return ini_text(false, true);
}

std::vector<std::string> Config::unused_given() const {
  std::vector<std::string> names;
  for (const auto& name : order_) {
    const auto it = values_.find(name);
    if (it != values_.end() && it->second.origin != Origin::kDefault &&
        it->second.origin != Origin::kResolved && in_scope(name) && !used_->count(name))
      names.push_back(name);
  }
  return names;
}

std::string Config::ini_text(bool results_only, bool used_only) const {
  std::ostringstream out;
  std::string current;
  for (const auto& name : order_) {
    const auto it = values_.find(name);
    if (it == values_.end()) continue;
    if (!in_scope(name) || (results_only && kinds_.at(name) == OptionKind::kOperational)) continue;
    if (used_only && !used_->count(name)) continue;
    const std::string section = section_of(name);
    if (section != current) {
      out << "\n[" << section << "]\n";
      current = section;
    }
    static const char* const origin_notes[] = {"", "  ; from file", "  ; from command line",
                                               "  ; resolved from auto"};
    out << key_of(name) << " = " << it->second.value
        << origin_notes[static_cast<int>(it->second.origin)] << "\n";
  }
  return out.str();
}

std::uint64_t Config::hash() const {
  std::string text;  // values only: setting an option to its default does not change the hash
  for (const auto& name : order_) {
    const auto it = values_.find(name);
    if (it != values_.end() && in_scope(name) && kinds_.at(name) == OptionKind::kResult)
      text += name + "=" + it->second.value + "\n";
  }
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char byte : text) {
    h ^= byte;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace msflow
