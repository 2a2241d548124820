import { randomBytes } from "node:crypto";
import type { Store } from "@cmp/store";
import type { ManagementBus, ManagementEvent } from "./management-bus.js";

/** The channel of relayed events. */
const EVENTS = "management.events";
/** The channel on which replicas with dashboards say so (and a starting replica asks who has one). */
const WATCHERS = "management.watchers";
/** A replica with dashboards says so this often… */
export const WATCH_ANNOUNCE_MS = 10_000;
/** …and counts as watched this long after each time it said so (three announcements may be lost). */
const WATCH_VALID_MS = 3 * WATCH_ANNOUNCE_MS;

interface EventMessage {
  from: string;
  event: ManagementEvent;
}
interface WatchersMessage {
  from: string;
  /** `watching`: this replica has dashboards; `ask`: a replica started and wants to know. */
  kind: "watching" | "ask";
}

/** Options of {@link startManagementRelay}. */
export interface ManagementRelayOptions {
  now?: () => number;
  /** Called when publishing fails (the store is down): dashboards elsewhere miss events meanwhile. */
  onFailure?: (error: unknown) => void;
}

/**
 * Joins this replica's management bus to the other replicas' through the store's publish/subscribe,
 * so a dashboard attached to any replica sees every replica's requests and quota. It costs nothing
 * while no replica has a dashboard: replicas with dashboards announce themselves on a second channel
 * (at once, then every {@link WATCH_ANNOUNCE_MS}), and the others relay their events only while such an
 * announcement is fresh. Delivery is at most once, like the store's pub/sub. Resolves, once both
 * subscriptions are active, with the function that stops the relay.
 */
export async function startManagementRelay(
  bus: ManagementBus,
  store: Pick<Store, "publish" | "subscribe">,
  options: ManagementRelayOptions = {},
): Promise<() => Promise<void>> {
  const now = options.now ?? Date.now;
  const onFailure = options.onFailure ?? (() => undefined);
  const self = randomBytes(8).toString("hex");
  let announceTimer: NodeJS.Timeout | undefined;

  const send = (channel: string, message: EventMessage | WatchersMessage) => {
    store.publish(channel, message).catch(onFailure);
  };
  const announce = () => send(WATCHERS, { from: self, kind: "watching" });

  const stopEvents = await store.subscribe<EventMessage>(EVENTS, (message) => {
    if (message?.from === self || typeof message?.event?.type !== "string") return;
    bus.deliver(message.event);
  });
  const stopWatchers = await store.subscribe<WatchersMessage>(WATCHERS, (message) => {
    if (message?.from === self) return;
    if (message?.kind === "watching") bus.noteRemoteWatchers(now() + WATCH_VALID_MS);
    else if (message?.kind === "ask" && bus.size > 0) announce();
  });

  bus.setRelay({
    forward: (event) => send(EVENTS, { from: self, event }),
    listenersChanged: (count) => {
      if (count > 0 && announceTimer === undefined) {
        announce();
        announceTimer = setInterval(announce, WATCH_ANNOUNCE_MS);
        announceTimer.unref();
      } else if (count === 0 && announceTimer !== undefined) {
        clearInterval(announceTimer);
        announceTimer = undefined;
      }
    },
  });
  // Dashboards attached before this replica started announce themselves again now.
  send(WATCHERS, { from: self, kind: "ask" });

  return async () => {
    bus.setRelay(null);
    if (announceTimer !== undefined) clearInterval(announceTimer);
    announceTimer = undefined;
    await Promise.allSettled([stopEvents(), stopWatchers()]);
  };
}
