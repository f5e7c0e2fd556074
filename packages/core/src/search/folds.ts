/**
 * sklearn's StratifiedKFold(n_splits=k, shuffle=False), exactly: the sorted
 * labels are dealt round-robin to the folds to decide how many of each class
 * each fold gets, then each class's examples, in order, fill fold 0, 1, ...
 * Returns each fold's held-out indices and the rest, both in index order.
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number): { train: Int32Array; test: Int32Array }[] {
  const n = labels.length;
  // sklearn numbers the classes in order of first appearance (not by value) before dealing.
  const classes = [...new Set(Array.from(labels))];
  const code = new Map(classes.map((c, i) => [c, i]));
  const counts = classes.map((c) => Array.from(labels).filter((l) => l === c).length);
  if (Math.max(...counts) < k) throw new RangeError(`cannot split into ${k} folds: every class has fewer than ${k} examples`);
  const sorted = Array.from(labels, (l) => code.get(l)!).sort((a, b) => a - b);
  const allocation = Array.from({ length: k }, () => new Array<number>(classes.length).fill(0));
  sorted.forEach((c, i) => allocation[i % k]![c]!++);
  const testFold = new Int32Array(n);
  const next = classes.map(() => ({ fold: 0, used: 0 }));
  for (let i = 0; i < n; i++) {
    const c = code.get(labels[i]!)!;
    const st = next[c]!;
    while (st.used >= allocation[st.fold]![c]!) {
      st.fold++;
      st.used = 0;
    }
    testFold[i] = st.fold;
    st.used++;
  }
  return Array.from({ length: k }, (_, f) => {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < n; i++) (testFold[i] === f ? test : train).push(i);
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}
