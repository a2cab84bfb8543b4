// Write test/fixtures/annoy-dot.ann and its expected ids (annoy-dot-expected.txt) with Annoy's
// own DotProduct index, for @annlab/interop's unit tests (the npm binding has no dot metric).
// Build and run from the repository root:
//   g++ -O1 -std=c++14 -I node_modules/.pnpm/annoy@4.0.0/node_modules/annoy \
//     packages/interop/scripts/make-annoy-dot-fixture.cpp -o /tmp/annoy-dot &&
//   node -e "console.log(require('./packages/interop/test/fixtures/annoy-expected.json').queries.join(' '))" | /tmp/annoy-dot
// The items are those of annoy-euclidean.ann (make-annoy-fixtures.mjs), the queries those of
// annoy-expected.json, read from stdin.
#include <cstdio>
#include <vector>
#include "kissrandom.h"
#include "annoylib.h"

int main() {
  const int N = 100, DIM = 8, NQ = 20, K = 5, TREES = 5;
  std::vector<float> base(N * DIM), queries(NQ * DIM);
  AnnoyIndex<int, float, Euclidean, Kiss64Random> items(DIM);
  if (!items.load("packages/interop/test/fixtures/annoy-euclidean.ann")) return 1;
  for (int i = 0; i < N; i++) items.get_item(i, &base[i * DIM]);
  for (auto &x : queries) if (scanf("%f", &x) != 1) return 1;
  AnnoyIndex<int, float, DotProduct, Kiss64Random> index(DIM);
  for (int i = 0; i < N; i++) index.add_item(i, &base[i * DIM]);
  index.build(TREES);
  index.save("packages/interop/test/fixtures/annoy-dot.ann");
  FILE *out = fopen("packages/interop/test/fixtures/annoy-dot-expected.txt", "w");
  const int searchKs[] = {20, 60, -1};
  for (int searchK : searchKs) {
    for (int q = 0; q < NQ; q++) {
      std::vector<int> ids;
      index.get_nns_by_vector(&queries[q * DIM], K, searchK, &ids, nullptr);
      for (int j = 0; j < K; j++) fprintf(out, "%d ", j < (int)ids.size() ? ids[j] : -1);
    }
    fprintf(out, "\n");
  }
  fclose(out);
  return 0;
}
