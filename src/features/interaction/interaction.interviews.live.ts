/**
 * The live stream of an interview as this instance follows it. Posts are rows numbered per interview (seq) and
 * committed in their order (interaction.interviews.store.ts), so every instance follows the same stream from the
 * database, like search follows its changes: while anyone here is watching, one poll at a time asks for the posts
 * after the last number seen, and hands each new post to every reader here. No instance needs another's memory.
 */
import type { Db } from '../../core/db.ts';
import { type PostRow, postsAfter, streamHeads } from './interaction.interviews.store.ts';

/** Where a reader's posts go (an SSE response). */
export interface LiveSink {
  post(p: PostRow): void;
  /** The stream closes: `over` when the interview ended (or was withdrawn), else the instance is stopping. */
  end(over: boolean): void;
}

interface Reader {
  sink: LiveSink;
  address: string;
  /** The last number this reader has been given. */
  last: number;
  /** Posts polled while the reader was still catching up, given to it afterwards. */
  waiting: PostRow[] | null;
}

export interface LiveLimits {
  /** Readers one instance serves at most. */
  total: number;
  /** Readers from one address at most (a browser needs one; a family or an office a few). */
  perAddress: number;
}

export class LiveStreams {
  private readers = new Map<number, Set<Reader>>();
  private seen = new Map<number, number>();
  private perAddress = new Map<string, number>();
  private count = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly limits: LiveLimits,
    private readonly pollMs = 200,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  /** Whether one more reader from this address may join. */
  admits(address: string): boolean {
    return (
      !this.closed && this.count < this.limits.total && (this.perAddress.get(address) ?? 0) < this.limits.perAddress
    );
  }

  /**
   * Adds a reader of an interview who has seen its posts up to `after`: it is first given what it missed (in order),
   * then each new post as it comes. Returns how to take the reader away.
   */
  async join(interviewId: number, after: number, address: string, sink: LiveSink): Promise<() => void> {
    const reader: Reader = { sink, address, last: after, waiting: [] };
    let set = this.readers.get(interviewId);
    if (!set) {
      set = new Set();
      this.readers.set(interviewId, set);
    }
    set.add(reader);
    this.count++;
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    this.schedule();
    const leave = () => this.leave(interviewId, reader);
    try {
      // what it missed, then what the polls found meanwhile (each post once, in order)
      for (;;) {
        const missed = await postsAfter(this.db, interviewId, reader.last);
        for (const p of missed) this.give(reader, p);
        if (missed.length === 0) break;
      }
      const waiting = reader.waiting ?? [];
      reader.waiting = null;
      for (const p of waiting) this.give(reader, p);
    } catch (e) {
      leave();
      throw e;
    }
    return leave;
  }

  private give(reader: Reader, p: PostRow) {
    if (p.seq <= reader.last) return;
    reader.last = p.seq;
    reader.sink.post(p);
  }

  private leave(interviewId: number, reader: Reader) {
    const set = this.readers.get(interviewId);
    if (!set?.delete(reader)) return;
    this.count--;
    const n = (this.perAddress.get(reader.address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(reader.address, n);
    else this.perAddress.delete(reader.address);
    if (!set.size) {
      this.readers.delete(interviewId);
      this.seen.delete(interviewId);
    }
  }

  /** Readers here now (for the bench and the tests). */
  get size(): number {
    return this.count;
  }

  private schedule() {
    if (this.timer || this.closed || !this.readers.size) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, this.pollMs);
  }

  /** One poll: the new posts of every interview watched here, and the end of those that ended. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const ids = [...this.readers.keys()];
      for (const head of await streamHeads(this.db, ids)) {
        const set = this.readers.get(head.id);
        if (!set) continue;
        const last = head.last == null ? 0 : Number(head.last);
        let seen = this.seen.get(head.id) ?? Math.min(...[...set].map((r) => r.last));
        while (seen < last) {
          const posts = await postsAfter(this.db, head.id, seen);
          if (!posts.length) break;
          for (const p of posts)
            for (const r of this.readers.get(head.id) ?? []) {
              if (r.waiting) r.waiting.push(p);
              else this.give(r, p);
            }
          seen = posts[posts.length - 1].seq;
        }
        this.seen.set(head.id, seen);
        if (head.ended_at || head.withdrawn_reason)
          for (const r of [...(this.readers.get(head.id) ?? [])]) {
            if (r.waiting) continue;
            this.leave(head.id, r);
            r.sink.end(true);
          }
      }
    } catch (e) {
      // the database away for a moment: the readers wait, the next poll catches up
      this.onError(e);
    } finally {
      this.polling = false;
      this.schedule();
    }
  }

  /** Ends every stream (the instance is stopping: the readers' browsers reconnect to another). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [id, set] of this.readers)
      for (const r of [...set]) {
        this.leave(id, r);
        r.sink.end(false);
      }
  }
}
