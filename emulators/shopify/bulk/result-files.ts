/**
 * Where finished bulk results live: one JSONL file per operation in a temporary folder of this emulator process,
 * written once while the operation runs and streamed from disk on download — so a 1,000,000-record export is
 * generated once, never held in memory, and downloads at disk speed. `close()` removes the folder.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";

/** Appends lines to one result file with backpressure; counts bytes as Shopify reports them (fileSize). */
export class ResultWriter {
  private readonly out: WriteStream;
  private pending: string[] = [];
  bytes = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
  }

  /**
   * Buffers a line; every few hundred lines writes a chunk and returns a promise to wait on (the disk may be behind).
   * Returns nothing otherwise, so the caller does not pay an await per line.
   */
  add(line: string): Promise<void> | undefined {
    this.pending.push(line);
    this.bytes += Buffer.byteLength(line) + 1;
    return this.pending.length >= 500 ? this.flush() : undefined;
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = `${this.pending.join("\n")}\n`;
    this.pending = [];
    if (!this.out.write(chunk)) await new Promise<void>((resolve) => this.out.once("drain", () => resolve()));
  }

  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.out.once("error", reject);
      this.out.end(() => resolve());
    });
  }
}

export class ResultFiles {
  private dir: string | null = null;

  private folder(): string {
    this.dir ??= mkdtempSync(join(tmpdir(), "shopify-emulator-bulk-"));
    return this.dir;
  }

  writer(id: bigint): ResultWriter {
    return new ResultWriter(join(this.folder(), `${id}.jsonl`));
  }

  read(id: bigint): Readable {
    return createReadStream(join(this.folder(), `${id}.jsonl`));
  }

  remove(id: bigint): void {
    if (this.dir) rmSync(join(this.dir, `${id}.jsonl`), { force: true });
  }

  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
