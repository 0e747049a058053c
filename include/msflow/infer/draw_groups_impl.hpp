#pragma once
// share_rows: the bit patterns of each row from its one owner, ORed against zeros elsewhere,
// so the exchange cannot change a bit (a sum could turn −0 into +0).
#include <cstdint>
#include <cstring>

#include <stdexcept>

namespace msflow::infer {

void or_reduce(MPI_Comm comm, std::vector<std::uint64_t>& bits);

template <class Mine>
void share_rows(MPI_Comm comm, std::vector<double>& rows, long long count, long long width,
                Mine&& mine) {
  if (static_cast<long long>(rows.size()) != count * width)
    throw std::logic_error("share_rows: wrong buffer size");
  std::vector<std::uint64_t> bits(rows.size(), 0);
  for (long long r = 0; r < count; ++r)
    if (mine(r))
      std::memcpy(bits.data() + r * width, rows.data() + r * width,
                  static_cast<std::size_t>(width) * sizeof(double));
  or_reduce(comm, bits);
  std::memcpy(rows.data(), bits.data(), bits.size() * sizeof(double));
}

}  // namespace msflow::infer
