// How prelu walks an array seen as shape (outer, channels, inner), where element
// i = (o * channels + c) * inner + k has the slope weight[c]: shared by the Node-API glue and the
// kernels (included inside either's namespace) and mirrored in lib/fallback/prelu.ts.
//
// The weight gradient gradWeight[c] = sum of x * gradOutput over channel c's elements with
// x <= 0 (or NaN) is summed in one fixed order, so it has the same bits on every SIMD level,
// thread count and backend:
//   - each term is x * gradOutput in double (exact for float32 inputs), 0 where x > 0;
//   - a channel's elements are cut into tiles: blocks of rowsPerBlock indices o along outer times
//     segments of kPreluSegment indices k along inner;
//   - within a tile, term (o, k) goes to partial sum k mod 16, each partial sum adding its terms
//     in increasing (o, k) order from +0;
//   - a tile's value is its 16 partial sums added pairwise: (s0 + s1), (s2 + s3), ..., then those
//     pairs pairwise, and so on (preluTree);
//   - the channel's sum adds its tiles' values from +0 in the order (row block, segment), in
//     double, and is rounded once to the weight's precision.
// Work items hand whole tiles to threads, so how the work is split never changes a sum.

constexpr size_t kPreluLanes = 16;
// A tile's extent along inner; a multiple of kPreluLanes, so every segment starts at partial sum 0.
constexpr size_t kPreluSegment = 4096;
// Runs along inner at least this long are walked run by run with the slope splatted; shorter ones
// through a periodic pattern of slopes (one per element of a row, repeated), which the glue builds.
constexpr size_t kPreluLongRun = 16;
// A pattern shorter than this is repeated until it is not, so a vector seldom wraps around it.
constexpr size_t kPreluMinPeriod = 64;
// Work items of the backward pass: long runs take a tile of this many channels at once, walking
// memory in order; short runs take this many positions (channels * inner) of a row.
constexpr size_t kPreluItemChannels = 16;
constexpr size_t kPreluItemPositions = 256;

struct PreluPlan {
  size_t outer;
  size_t channels;
  size_t inner;
  size_t rowsPerBlock;
  size_t rowBlocks;
  size_t segments;  // per run along inner
  bool longRuns;
  size_t channelsPerItem;
  size_t items;            // work items of the backward pass
  size_t itemElements;     // elements of a full work item

  size_t tiles() const { return rowBlocks * segments; }  // per channel
};

inline PreluPlan preluPlan(size_t outer, size_t channels, size_t inner) {
  PreluPlan plan{};
  plan.outer = outer;
  plan.channels = channels;
  plan.inner = inner;
  const size_t run = inner < kPreluSegment ? inner : kPreluSegment;
  plan.rowsPerBlock = kPreluSegment / (run > 0 ? run : 1);
  plan.rowBlocks = (outer + plan.rowsPerBlock - 1) / plan.rowsPerBlock;
  plan.segments = (inner + kPreluSegment - 1) / kPreluSegment;
  plan.longRuns = inner >= kPreluLongRun;
  plan.channelsPerItem = plan.longRuns ? kPreluItemChannels : kPreluItemPositions / (inner > 0 ? inner : 1);
  const size_t groups = (channels + plan.channelsPerItem - 1) / plan.channelsPerItem;
  plan.items = plan.rowBlocks * groups * (plan.longRuns ? plan.segments : 1);
  plan.itemElements = plan.rowsPerBlock * plan.channelsPerItem * run;
  return plan;
}

// A tile's value from its 16 partial sums (overwritten).
inline double preluTree(double* lanes) {
  for (size_t width = kPreluLanes; width > 1; width /= 2) {
    for (size_t i = 0; i < width / 2; ++i) lanes[i] = lanes[2 * i] + lanes[2 * i + 1];
  }
  return lanes[0];
}

// gradWeight[c] from the tile values, stored channel by channel in (row block, segment) order.
template <typename T>
inline void preluCombine(const PreluPlan& plan, const double* tileSums, T* gradWeight) {
  const size_t tiles = plan.tiles();
  for (size_t c = 0; c < plan.channels; ++c) {
    double total = 0;
    for (size_t t = 0; t < tiles; ++t) total += tileSums[c * tiles + t];
    gradWeight[c] = static_cast<T>(total);
  }
}
