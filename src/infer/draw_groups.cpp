#include "msflow/infer/draw_groups.hpp"

#include <algorithm>
#include <stdexcept>

namespace msflow::infer {

void or_reduce(MPI_Comm comm, std::vector<std::uint64_t>& bits) {
  // In chunks: MPI counts are int.
  constexpr std::size_t kChunk = std::size_t{1} << 26;
  for (std::size_t begin = 0; begin < bits.size(); begin += kChunk) {
    const int count = static_cast<int>(std::min(kChunk, bits.size() - begin));
    MPI_Allreduce(MPI_IN_PLACE, bits.data() + begin, count, MPI_UINT64_T, MPI_BOR, comm);
  }
}

DrawGroups::DrawGroups(MPI_Comm world, int groups) : world_(world), groups_(groups) {
  int rank = 0, size = 1;
  MPI_Comm_rank(world, &rank);
  MPI_Comm_size(world, &size);
  if (groups < 1 || groups > size) throw std::logic_error("DrawGroups: bad group count");
  // Consecutive ranks per group; sizes differ by at most one when groups does not divide size.
  index_ = static_cast<int>(static_cast<long long>(rank) * groups / size);
  MPI_Comm_split(world, index_, rank, &group_);
  MPI_Comm_rank(group_, &group_rank_);
  MPI_Comm_size(group_, &group_size_);
}

DrawGroups::~DrawGroups() {
  if (group_ != MPI_COMM_NULL) MPI_Comm_free(&group_);
}

void DrawGroups::share(std::vector<double>& rows, long long count, long long width) const {
  share_rows(world_, rows, count, width, [&](long long r) { return contributes(r); });
}

int default_groups(int ranks, int items) {
  int groups = std::max(1, std::min(ranks, items));
  while (ranks % groups != 0)
    --groups;
  return groups;
}

}  // namespace msflow::infer
