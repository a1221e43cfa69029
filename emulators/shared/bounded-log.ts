/** An in-memory log that keeps its newest `limit` entries (the emulators' request logs): the oldest go first. */
export class BoundedLog<T> {
  private entries: T[] = [];

  constructor(readonly limit: number) {}

  add(entry: T): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  /** The entries, oldest first (a new array), optionally those `keep` accepts. */
  list(keep?: (entry: T) => boolean): T[] {
    return keep ? this.entries.filter(keep) : [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
