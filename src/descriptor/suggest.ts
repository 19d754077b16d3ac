/** Edit distance between two strings (Levenshtein), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The closest candidate within a third of the word's length (at least 2 edits), if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance > limit) continue;
    // Ties go to a candidate that extends the word ("CC-BY-4" → "CC-BY-4.0"), then the first
    // in sort order, so the suggestion does not depend on the order of the candidates.
    const rank = (n: string) => (n.toLowerCase().startsWith(word.toLowerCase()) ? 0 : 1);
    const better =
      !best ||
      distance < best.distance ||
      (distance === best.distance &&
        (rank(name) < rank(best.name) || (rank(name) === rank(best.name) && name < best.name)));
    if (better) best = { name, distance };
  }
  return best?.name;
}
