import type { MessageHandler } from "./store-types.js";

/**
 * Publish/subscribe inside one process, with the same contract as Redis's: each subscriber gets its
 * own JSON copy of a message, later (never inside `publish`), and a throwing handler affects nothing
 * else.
 */
export class LocalPubSub {
  private readonly channels = new Map<string, Set<MessageHandler>>();

  /** Sends `text` (a JSON document) to the channel's subscribers. */
  publish(channel: string, text: string): void {
    const handlers = this.channels.get(channel);
    if (handlers === undefined || handlers.size === 0) return;
    for (const handler of [...handlers]) {
      setImmediate(() => deliver(handler, text));
    }
  }

  subscribe(channel: string, handler: MessageHandler): () => void {
    let handlers = this.channels.get(channel);
    if (handlers === undefined) {
      handlers = new Set();
      this.channels.set(channel, handlers);
    }
    // A wrapper per subscription: the same handler subscribed twice gets each message twice, as on Redis.
    const entry: MessageHandler = (message) => handler(message);
    handlers.add(entry);
    return () => {
      handlers.delete(entry);
      if (handlers.size === 0 && this.channels.get(channel) === handlers) this.channels.delete(channel);
    };
  }

  clear(): void {
    this.channels.clear();
  }
}

/** Calls `handler` with a parsed copy of `text`; a handler's exception stops here. */
export function deliver(handler: MessageHandler, text: string): void {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return;
  }
  try {
    handler(message);
  } catch {
    // A subscriber that fails (a dashboard gone away) must not break the publisher or other subscribers.
  }
}
