/**
 * What a list page had when the user left it (loaded pages, scroll offset), kept in memory per
 * history entry (react-router's `location.key`), so Back lands where the user was. A new visit to
 * the same URL is a new history entry and starts fresh; a page reload starts fresh too.
 */
const KEEP = 30;
const snapshots = new Map<string, unknown>();

export function remember(key: string, value: unknown): void {
  // Re-inserted so the Map's order is least recently written first.
  snapshots.delete(key);
  snapshots.set(key, value);
  while (snapshots.size > KEEP) {
    const oldest = snapshots.keys().next();
    if (oldest.done === true) break;
    snapshots.delete(oldest.value);
  }
}

export function recall(key: string): unknown {
  return snapshots.get(key);
}
