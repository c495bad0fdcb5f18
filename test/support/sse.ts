import http from 'node:http';

/** One server-sent event as a browser's EventSource reads it. */
export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/**
 * A reader of a server-sent event stream (as EventSource, without reconnecting): its events as they come, and a way
 * to wait for the next one that matches.
 */
export class SseReader {
  readonly events: SseEvent[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  ended = false;
  private waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  private req!: http.ClientRequest;
  readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}, localAddress?: string) {
    let buffer = '';
    this.opened = new Promise((resolve, reject) => {
      this.req = http.get(
        url,
        { headers: { accept: 'text/event-stream', ...headers }, localAddress, agent: false },
        (res) => {
          this.status = res.statusCode ?? 0;
          this.headers = res.headers;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let at = buffer.indexOf('\n\n');
            while (at >= 0) {
              this.take(buffer.slice(0, at));
              buffer = buffer.slice(at + 2);
              at = buffer.indexOf('\n\n');
            }
          });
          res.on('end', () => {
            this.ended = true;
          });
          resolve();
        },
      );
      this.req.on('error', (e) => (this.ended ? undefined : reject(e)));
    });
  }

  private take(block: string) {
    const e: SseEvent = { event: 'message', data: '' };
    let data = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const [field, ...rest] = line.split(':');
      const value = rest.join(':').replace(/^ /, '');
      if (field === 'event') e.event = value;
      else if (field === 'id') e.id = value;
      else if (field === 'data') {
        e.data += (data ? '\n' : '') + value;
        data = true;
      }
    }
    if (!data) return;
    if (e.id !== undefined) this.arrived.set(e.id, performance.now());
    this.events.push(e);
    for (const w of [...this.waiters])
      if (w.match(e)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(e);
      }
  }

  /** When each event came (ms, performance.now()), by its id. */
  readonly arrived = new Map<string, number>();

  /** The first event (already come or still to come) that matches, or a rejection after `ms`. */
  next(match: (e: SseEvent) => boolean, ms = 10_000): Promise<SseEvent> {
    const had = this.events.find(match);
    if (had) return Promise.resolve(had);
    return new Promise((resolve, reject) => {
      const w = { match, resolve };
      this.waiters.push(w);
      setTimeout(() => {
        if (this.waiters.includes(w)) reject(new Error(`no matching event within ${ms} ms`));
      }, ms).unref();
    });
  }

  close() {
    this.ended = true;
    this.req.destroy();
  }
}
