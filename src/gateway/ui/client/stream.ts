/// <reference lib="dom" />
import { headers } from './api';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'denied' | 'gone';

/**
 * Reads a Server-Sent Events stream with `fetch` (so the admin key goes in a header, not in the URL
 * as `EventSource` would need) and hands each `state` event's JSON to `onState`. Reconnects with a
 * growing pause (1 s … 10 s) when the connection drops; stops on 401/403/404.
 */
export function subscribe<T>(
  url: string,
  onState: (state: T) => void,
  onStatus: (status: StreamStatus) => void,
): () => void {
  let stopped = false;
  let controller: AbortController | undefined;

  const run = async () => {
    let pause = 1_000;
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(url, {
          headers: headers({ accept: 'text/event-stream' }),
          signal: controller.signal,
          cache: 'no-store',
          credentials: 'omit',
        });
        if (res.status === 401 || res.status === 403) return onStatus('denied');
        if (res.status === 404) return onStatus('gone');
        if (!res.ok || !res.body) throw new Error(`status ${res.status}`);
        onStatus('live');
        pause = 1_000;
        await read(res.body, (event, data) => {
          if (event === 'state') onState(JSON.parse(data) as T);
        });
      } catch {
        // dropped, refused or aborted: retry below unless stopped
      }
      if (stopped) return;
      onStatus('reconnecting');
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(10_000, pause * 2);
    }
  };
  onStatus('connecting');
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

/** The SSE wire format: blocks separated by a blank line; `event:` and `data:` fields; `:` comments. */
async function read(body: ReadableStream<Uint8Array>, dispatch: (event: string, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) dispatch(event, data.join('\n'));
    }
  }
}
