#include "normcheck/ir.h"

#include <fmt/format.h>

namespace normcheck::ir {

namespace {
// Howard Hinnant's civil-date algorithms.
Day days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<Day>(doe) - 719468;
}
bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
}  // namespace

std::optional<Day> parse_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  const int y = std::stoi(text.substr(0, 4));
  const int m = std::stoi(text.substr(5, 2));
  const int d = std::stoi(text.substr(8, 2));
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1800 || m < 1 || m > 12 || d < 1) return std::nullopt;
  const int max = mdays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
  if (d > max) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string format_date(Day z) {
  z += 719468;
  const Day era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const Day y = static_cast<Day>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return fmt::format("{:04}-{:02}-{:02}", y + (m <= 2), m, d);
}

std::optional<Month> parse_month(const std::string& text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  const int y = std::stoi(text.substr(0, 4));
  const int m = std::stoi(text.substr(5, 2));
  if (y < 1800 || m < 1 || m > 12) return std::nullopt;
  return y * 12 + (m - 1);
}

std::string format_month(Month m) { return fmt::format("{:04}-{:02}", m / 12, m % 12 + 1); }

std::string Program::capacity_name(const CapacityRef& c) const {
  if (!c.valid()) return "?";
  const auto& o = organisations[static_cast<std::size_t>(c.org)];
  return o.name + "." + o.capacities[static_cast<std::size_t>(c.cap)].name;
}

const char* modality_text(Modality m) {
  switch (m) {
    case Modality::must: return "must";
    case Modality::must_not: return "must not";
    case Modality::may: return "may";
  }
  return "must";
}

int Program::find_ruleset(const std::string& id) const {
  for (std::size_t i = 0; i < rulesets.size(); ++i)
    if (rulesets[i].id == id) return static_cast<int>(i);
  return -1;
}

int Program::find_scenario(const std::string& name) const {
  for (std::size_t i = 0; i < scenarios.size(); ++i)
    if (scenarios[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string Program::type_name(const Type& t) const {
  switch (t.kind) {
    case Type::boolean: return "bool";
    case Type::integer: return t.dim.empty() ? "int" : "int " + t.dim;
    case Type::decimal: return t.dim.empty() ? "decimal" : "decimal " + t.dim;
    case Type::date: return "date";
    case Type::enumeration: return t.index >= 0 ? enums[static_cast<std::size_t>(t.index)].name : "enum";
    case Type::record: return t.index >= 0 ? cases[static_cast<std::size_t>(t.index)].name : "case";
    case Type::error: return "<error>";
  }
  return "<error>";
}

}  // namespace normcheck::ir
