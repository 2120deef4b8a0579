/**
 * The Pareto front of accuracy against a cost (parameters, seconds): the points no other point
 * beats on both, i.e. none has at most the cost and at least the accuracy, better in one.
 */
export interface Point {
  readonly cost: number;
  readonly accuracy: number;
}

/** The indices of the points on the front, in order of cost. */
export function paretoFront(points: readonly Point[]): number[] {
  const order = points.map((_, i) => i).sort((a, b) => points[a]!.cost - points[b]!.cost || points[b]!.accuracy - points[a]!.accuracy);
  const front: number[] = [];
  let best = -Infinity;
  for (const i of order) {
    // sorted by cost, ties by accuracy falling: a point is on the front when it beats every cheaper one
    if (points[i]!.accuracy > best) {
      front.push(i);
      best = points[i]!.accuracy;
    }
  }
  return front;
}
