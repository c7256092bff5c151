// Start dependencies between jobs (`depends_on`): cycle detection and the
// order in which jobs are stopped (dependents before what they depend on).

/**
 * Find a dependency cycle in a graph `name -> names it depends on`. Returns
 * the cycle as a path that ends where it starts (`['a', 'b', 'a']`), or
 * undefined. Edges to unknown names are ignored.
 */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'visiting');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'visiting') return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Depth of each node: 0 without (known) dependencies, else 1 + the deepest
 * dependency. The graph must be acyclic.
 */
export function dependencyDepths(graph: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const depths = new Map<string, number>();
  const depth = (node: string): number => {
    const known = depths.get(node);
    if (known !== undefined) return known;
    depths.set(node, 0);
    let d = 0;
    for (const next of graph.get(node) ?? []) if (graph.has(next)) d = Math.max(d, depth(next) + 1);
    depths.set(node, d);
    return d;
  };
  for (const node of graph.keys()) depth(node);
  return depths;
}

/**
 * Group items into stop levels: dependents first (deepest first), then by
 * descending priority; each level is stopped and awaited before the next.
 */
export function stopLevels<T>(items: readonly T[], key: (item: T) => string, priority: (item: T) => number,
  graph: ReadonlyMap<string, readonly string[]>): T[][] {
  const depths = dependencyDepths(graph);
  const levels = new Map<string, T[]>();
  for (const item of items) {
    const id = `${depths.get(key(item)) ?? 0}:${priority(item)}`;
    const level = levels.get(id);
    if (level) level.push(item);
    else levels.set(id, [item]);
  }
  return [...levels.entries()]
    .sort(([a], [b]) => {
      const [da, pa] = a.split(':').map(Number) as [number, number];
      const [db, pb] = b.split(':').map(Number) as [number, number];
      return db - da || pb - pa;
    })
    .map(([, level]) => level);
}
