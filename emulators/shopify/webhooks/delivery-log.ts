/** The log of delivery attempts behind `GET /_emulator/deliveries`, bounded to the newest entries. */

/** One delivery attempt (or a dropped delivery). */
export interface DeliveryLogEntry {
  seq: number;
  shop: string;
  topic: string;
  url: string;
  webhookId: string;
  eventId: string;
  apiVersion: string;
  /** 1 for the first attempt; retries count up to 1 + the number of retries. */
  attempt: number;
  /** "delivered" (2xx), "failed" (will retry), "gave_up" (last retry failed), "dropped" (fault injection). */
  outcome: "delivered" | "failed" | "gave_up" | "dropped";
  status: number | null;
  error: string | null;
  headers: Record<string, string>;
  /** The raw body exactly as sent (and signed). */
  body: string;
  duplicate: boolean;
  triggeredAt: string;
  sentAt: string;
  completedAt: string;
  durationMs: number;
  /** When the next attempt is due (emulated time), if one is scheduled. */
  nextAttemptAt: string | null;
}

export class DeliveryLog {
  private entries: DeliveryLogEntry[] = [];
  private seq = 0;

  constructor(private readonly maxEntries = 10_000) {}

  add(entry: Omit<DeliveryLogEntry, "seq">): void {
    this.entries.push({ seq: ++this.seq, ...entry });
    if (this.entries.length > this.maxEntries) this.entries = this.entries.slice(-this.maxEntries);
  }

  all(): DeliveryLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
