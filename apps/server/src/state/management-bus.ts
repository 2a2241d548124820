import type { ManagementEvent as ProtocolEvent } from "@cmp/protocol";

/** One live event of the management stream (`GET /v1/management/events`); the route sends the `snapshot` itself. */
export type ManagementEvent = Exclude<ProtocolEvent, { type: "snapshot" }>;

/** A tiny publish/subscribe hub for the dashboard's live events; free when nobody listens. */
export class ManagementBus {
  private readonly listeners = new Set<(event: ManagementEvent) => void>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (event: ManagementEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends an event to every listener. A failing listener never affects the others or the caller. */
  publish(event: ManagementEvent): void {
    if (this.listeners.size === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A dashboard that went away must not break a request.
      }
    }
  }

  /** How many dashboards are connected. */
  get size(): number {
    return this.listeners.size;
  }
}
