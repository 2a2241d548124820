import type { ManagementEvent as ProtocolEvent } from "@cmp/protocol";

/** One live event of the management stream (`GET /v1/management/events`); the route sends the `snapshot` itself. */
export type ManagementEvent = Exclude<ProtocolEvent, { type: "snapshot" }>;

/**
 * How the bus reaches other replicas (see `management-relay.ts`): `forward` sends this replica's
 * events out; `listenersChanged` tells the relay when this replica's dashboards come and go.
 */
export interface ManagementBusRelay {
  forward(event: ManagementEvent): void;
  listenersChanged(count: number): void;
}

/**
 * A tiny publish/subscribe hub for the dashboard's live events; free when nobody listens. With a relay
 * (several replicas on one store), events also go to dashboards attached to other replicas, and theirs
 * come in through {@link ManagementBus.deliver}.
 */
export class ManagementBus {
  private readonly listeners = new Set<(event: ManagementEvent) => void>();
  private relay: ManagementBusRelay | null = null;
  private remoteWatchedUntil = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (event: ManagementEvent) => void): () => void {
    this.listeners.add(listener);
    this.relay?.listenersChanged(this.listeners.size);
    return () => {
      if (this.listeners.delete(listener)) this.relay?.listenersChanged(this.listeners.size);
    };
  }

  /**
   * Sends an event of this replica to every listener, and through the relay to other replicas while
   * any of them has a dashboard. A failing listener never affects the others or the caller.
   */
  publish(event: ManagementEvent): void {
    this.deliver(event);
    if (this.relay !== null && this.remoteWatchedUntil > this.now()) this.relay.forward(event);
  }

  /** Sends an event to this replica's listeners only (an event another replica relayed). */
  deliver(event: ManagementEvent): void {
    if (this.listeners.size === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A dashboard that went away must not break a request.
      }
    }
  }

  /** Connects the relay to other replicas (one at a time; `null` disconnects). */
  setRelay(relay: ManagementBusRelay | null): void {
    this.relay = relay;
  }

  /** Another replica has a dashboard attached until `until` (ms, by this bus's clock) unless it says so again. */
  noteRemoteWatchers(until: number): void {
    if (until > this.remoteWatchedUntil) this.remoteWatchedUntil = until;
  }

  /**
   * True when some dashboard, here or (with a relay) on another replica, would see an event: producers
   * skip building events otherwise.
   */
  get watched(): boolean {
    return this.listeners.size > 0 || (this.relay !== null && this.remoteWatchedUntil > this.now());
  }

  /** How many dashboards are connected to this replica. */
  get size(): number {
    return this.listeners.size;
  }
}
