import { randomBytes } from "node:crypto";
import { createStore, type Store } from "@cmp/store";
import { redisServerAvailable, startRedisServer, type TestRedisServer } from "@cmp/testkit";
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";
import { drainImmediates, eventually } from "../testing/eventually.js";
import { connectRawRedis, type RawRedis } from "../testing/raw-redis.js";
import { ManagementBus, type ManagementEvent } from "./management-bus.js";
import { startManagementRelay, WATCH_ANNOUNCE_MS } from "./management-relay.js";

const EVENTS = "management.events";
const WATCHERS = "management.watchers";

/** A distinct event (its `at` tells them apart). */
const event = (n: number): ManagementEvent => ({
  type: "auth",
  data: { type: "refreshed", at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString() },
});
const countOf = (events: ManagementEvent[], wanted: ManagementEvent) =>
  events.filter((e) => JSON.stringify(e) === JSON.stringify(wanted)).length;
let markers = 0;
const isMarker = (e: ManagementEvent) => e.type === "auth" && e.data.type === "refresh_failed";

type PubSub = Pick<Store, "publish" | "subscribe">;

/** The store's publish/subscribe, recording what is published and counting the active subscriptions. */
function spiedPubSub(store: PubSub) {
  const published: { channel: string; message: unknown }[] = [];
  let active = 0;
  const pubSub: PubSub = {
    publish(channel, message) {
      published.push({ channel, message: structuredClone(message) });
      return store.publish(channel, message);
    },
    async subscribe<T>(channel: string, handler: (message: T) => void) {
      const stop = await store.subscribe<T>(channel, handler);
      active++;
      let stopped = false;
      return async () => {
        if (!stopped) {
          stopped = true;
          active--;
        }
        await stop();
      };
    },
  };
  return {
    pubSub,
    published,
    activeSubscriptions: () => active,
    relayed: () => published.filter((p) => p.channel === EVENTS),
    announcements: () =>
      published.filter((p) => p.channel === WATCHERS && (p.message as { kind?: string }).kind === "watching"),
  };
}

interface Replica {
  bus: ManagementBus;
  spy: ReturnType<typeof spiedPubSub>;
  /** Events this replica's dashboard received (once {@link watch} was called). */
  received: ManagementEvent[];
  /** Attaches a dashboard; returns its detach function. */
  watch(): () => void;
  stop(): Promise<void>;
}

const stops: (() => Promise<void>)[] = [];

async function startReplica(store: PubSub, now: () => number = Date.now): Promise<Replica> {
  const bus = new ManagementBus(now);
  const spy = spiedPubSub(store);
  const stop = await startManagementRelay(bus, spy.pubSub, { now });
  stops.push(stop);
  const received: ManagementEvent[] = [];
  return { bus, spy, received, watch: () => bus.subscribe((e) => received.push(e)), stop };
}

/**
 * Waits until `from` relays its events to `to`'s dashboard (`from` has heard `to` announce it): publishes
 * marker events on `from` until one arrives. Needed where `from.bus.watched` says nothing because
 * `from` has a dashboard of its own.
 */
async function waitUntilRelayed(from: Replica, to: Replica): Promise<void> {
  await eventually(() => {
    from.bus.publish({
      type: "auth",
      data: { type: "refresh_failed", at: new Date(Date.UTC(2030, 0, 1) + ++markers).toISOString() },
    });
    return to.received.some(isMarker);
  }, "the other replica relays to this dashboard");
}

afterEach(async () => {
  await Promise.allSettled(stops.splice(0).map((stop) => stop()));
  vi.useRealTimers();
});

describe("startManagementRelay over one embedded store (in-process pub/sub)", () => {
  it("relays nothing while no replica has a dashboard", async () => {
    const store = await createStore();
    const a = await startReplica(store);
    const b = await startReplica(store);
    await drainImmediates();
    a.bus.publish(event(1));
    b.bus.publish(event(2));
    expect(a.bus.watched).toBe(false);
    expect(b.bus.watched).toBe(false);
    expect(a.spy.relayed()).toEqual([]);
    expect(b.spy.relayed()).toEqual([]);
    // Each start asks once who watches; nobody answers.
    expect(a.spy.published.map((p) => [p.channel, (p.message as { kind: string }).kind])).toEqual([
      [WATCHERS, "ask"],
    ]);
    expect(b.spy.announcements()).toEqual([]);
    await store.close();
  });

  it("sends a replica's events to dashboards on another while they are attached; its own are never echoed", async () => {
    const store = await createStore();
    const a = await startReplica(store);
    const b = await startReplica(store);
    b.watch();
    expect(b.spy.announcements()).toHaveLength(1);
    await eventually(() => a.bus.watched, "A learns that B has a dashboard");
    expect(b.bus.watched).toBe(true); // its own dashboard

    a.bus.publish(event(1));
    await eventually(() => countOf(b.received, event(1)) === 1, "B's dashboard gets A's event");

    // Both have dashboards now: each event reaches each dashboard exactly once.
    a.watch();
    expect(a.spy.announcements()).toHaveLength(1);
    await waitUntilRelayed(b, a);
    b.bus.publish(event(2));
    expect(countOf(b.received, event(2))).toBe(1); // delivered here at once
    await eventually(() => countOf(a.received, event(2)) === 1, "A's dashboard gets B's event");
    a.bus.publish(event(3));
    await eventually(() => countOf(b.received, event(3)) === 1, "B's dashboard gets A's event");
    await drainImmediates();
    expect(countOf(b.received, event(2))).toBe(1);
    expect(countOf(a.received, event(3))).toBe(1);
    expect(countOf(a.received, event(1))).toBe(0); // published before A had a dashboard
    await store.close();
  });

  it("answers a starting replica's question when it has dashboards, and only then", async () => {
    const store = await createStore();
    const watching = await startReplica(store);
    const idle = await startReplica(store);
    watching.watch();
    await drainImmediates();
    const announcedBefore = watching.spy.announcements().length;
    const late = await startReplica(store);
    await eventually(() => late.bus.watched, "the new replica learns of the existing dashboard");
    expect(watching.spy.announcements().length).toBe(announcedBefore + 1);
    expect(idle.spy.announcements()).toEqual([]);
    expect(late.spy.announcements()).toEqual([]);
    await store.close();
  });

  it("counts a dashboard elsewhere as gone 30 s after its last announcement (injected clock)", async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const store = await createStore();
    const a = await startReplica(store, now);
    const b = await startReplica(store, now);
    b.watch();
    await eventually(() => a.bus.watched, "A learns of B's dashboard");
    clock += 3 * WATCH_ANNOUNCE_MS - 1;
    expect(a.bus.watched).toBe(true);
    a.bus.publish(event(1));
    expect(a.spy.relayed()).toHaveLength(1);
    clock += 2;
    // No await in between: no announcement can arrive meanwhile.
    expect(a.bus.watched).toBe(false);
    a.bus.publish(event(2));
    expect(a.spy.relayed()).toHaveLength(1);
    await store.close();
  });

  it("announces every 10 s while a dashboard is attached, and stops when the last one leaves", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const store = await createStore();
    const b = await startReplica(store);
    const detachFirst = b.watch();
    const detachSecond = b.watch();
    expect(b.spy.announcements()).toHaveLength(1);
    vi.advanceTimersByTime(WATCH_ANNOUNCE_MS);
    expect(b.spy.announcements()).toHaveLength(2);
    detachFirst();
    vi.advanceTimersByTime(WATCH_ANNOUNCE_MS);
    expect(b.spy.announcements()).toHaveLength(3);
    detachSecond();
    vi.advanceTimersByTime(10 * WATCH_ANNOUNCE_MS);
    expect(b.spy.announcements()).toHaveLength(3);
    await store.close();
  });

  it("stop() ends both subscriptions and disconnects the bus", async () => {
    const store = await createStore();
    const a = await startReplica(store);
    const b = await startReplica(store);
    a.watch();
    b.watch();
    await waitUntilRelayed(b, a);
    expect(a.spy.activeSubscriptions()).toBe(2);

    await a.stop();
    expect(a.spy.activeSubscriptions()).toBe(0);
    // A's events stay local now.
    a.bus.publish(event(1));
    expect(a.spy.relayed()).toEqual([]);
    expect(countOf(a.received, event(1))).toBe(1);
    // B still believes A watches (for up to 30 s) and relays; A no longer listens.
    const onChannel: unknown[] = [];
    const stopProbe = await store.subscribe(EVENTS, (message) => onChannel.push(message));
    b.bus.publish(event(2));
    await eventually(() => onChannel.length === 1, "B's event went out");
    await drainImmediates();
    expect(countOf(a.received, event(2))).toBe(0);
    await stopProbe();
    await store.close();
  });

  it("ignores messages on the channel that are not events", async () => {
    const store = await createStore();
    const a = await startReplica(store);
    a.watch();
    for (const junk of [
      null,
      "text",
      42,
      { from: "x" },
      { from: "x", event: {} },
      { from: "x", event: null },
    ])
      await store.publish(EVENTS, junk);
    await store.publish(EVENTS, { from: "someone-else", event: event(7) });
    await eventually(() => a.received.length > 0, "the real event arrives");
    await drainImmediates();
    expect(a.received).toEqual([event(7)]);
    await store.close();
  });

  it("reports a publish that fails to onFailure and never throws to the producer", async () => {
    const store = await createStore();
    const failures: unknown[] = [];
    const failing: PubSub = {
      publish: () => Promise.reject(new Error("the store is down")),
      subscribe: (channel, handler) => store.subscribe(channel, handler),
    };
    const bus = new ManagementBus();
    const stop = await startManagementRelay(bus, failing, { onFailure: (error) => failures.push(error) });
    stops.push(stop);
    bus.subscribe(() => undefined); // announces: fails
    bus.noteRemoteWatchers(Date.now() + 60_000);
    expect(() => bus.publish(event(1))).not.toThrow(); // relays: fails
    await eventually(() => failures.length >= 3, "ask, announcement and relay failures reported");
    expect(String(failures[0])).toContain("the store is down");
    await store.close();
  });
});

describe("two app replicas joined by the relay", () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    await Promise.allSettled(harnesses.splice(0).map((h) => h.close()));
  });

  it("shows one replica's requests and quota on a dashboard attached to the other, only while it is attached", async () => {
    const store = await createStore();
    const one = await createHarness();
    const two = await createHarness();
    harnesses.push(one, two);
    const spy = spiedPubSub(store);
    stops.push(await startManagementRelay(one.app.context.bus, spy.pubSub));
    stops.push(await startManagementRelay(two.app.context.bus, store));

    // Nobody watches: a request (refused before the backend) is tracked, but nothing is relayed.
    const unknown = { model: "no-such-model", messages: [{ role: "user", content: "hi" }] };
    expect((await request(one.app).post("/v1/chat/completions").send(unknown)).status).toBe(404);
    await eventually(() => one.app.context.tracker.recent().length === 1, "the refused request is finished");
    expect(spy.relayed()).toEqual([]);

    const seen: ManagementEvent[] = [];
    const detach = two.app.context.bus.subscribe((e) => seen.push(e));
    await eventually(() => one.app.context.bus.watched, "replica one learns of the dashboard");
    const chat = { model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] };
    expect((await request(one.app).post("/v1/chat/completions").send(chat)).status).toBe(200);
    await eventually(
      () => seen.some((e) => e.type === "request" && e.data.state === "done" && e.data.model === "gpt-5.4"),
      "the dashboard on two sees the request on one finish",
    );
    expect(seen.some((e) => e.type === "request" && e.data.state === "running")).toBe(true);
    await eventually(() => seen.some((e) => e.type === "quota"), "the dashboard on two sees one's quota");
    const quota = seen.find((e) => e.type === "quota");
    expect(quota?.type === "quota" && quota.data.primary?.used_percent).toBe(42.5);
    // Replica two's own list of recent requests stays its own.
    expect(two.app.context.tracker.recent()).toEqual([]);

    // The dashboard leaves: replica one keeps relaying only until the last announcement lapses (30 s),
    // which the unit tests above check with a clock.
    detach();
    await store.close();
  });
});

const redisAvailable = redisServerAvailable();

describe.skipIf(!redisAvailable)("startManagementRelay over a real Redis (two Store instances)", () => {
  let server: TestRedisServer;
  let raw: RawRedis;
  const secret = new Uint8Array(randomBytes(32));
  const stores: Store[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    raw = await connectRawRedis(server.url);
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled(stops.splice(0).map((stop) => stop()));
    await Promise.allSettled(stores.map((store) => store.close()));
    raw?.close();
    await server?.stop();
  }, 60_000);

  async function open(prefix: string): Promise<Store> {
    const store = await createStore({ url: server.url, prefix, secret, commandTimeoutMs: 5_000 });
    stores.push(store);
    return store;
  }

  const subscribers = async (channel: string) => {
    const reply = await raw.command("PUBSUB", "NUMSUB", channel);
    return Array.isArray(reply) ? Number(reply[1]) : Number.NaN;
  };

  it("relays between replicas while a dashboard watches, never echoes, and stop() unsubscribes", async () => {
    const prefix = "relay1";
    const a = await startReplica(await open(prefix));
    const b = await startReplica(await open(prefix));
    const channel = `${prefix}:channel:${EVENTS}`;
    expect(await subscribers(channel)).toBe(2);
    expect(await subscribers(`${prefix}:channel:${WATCHERS}`)).toBe(2);

    a.bus.publish(event(1));
    expect(a.spy.relayed()).toEqual([]);

    b.watch();
    await eventually(() => a.bus.watched, "A learns of B's dashboard over Redis");
    a.bus.publish(event(2));
    await eventually(() => countOf(b.received, event(2)) === 1, "B's dashboard gets A's event");

    a.watch();
    await waitUntilRelayed(b, a);
    b.bus.publish(event(3));
    await eventually(() => countOf(a.received, event(3)) === 1, "A's dashboard gets B's event");
    // Redis delivers in order on B's connection: once B has A's later event, it has had its own echo.
    a.bus.publish(event(4));
    await eventually(() => countOf(b.received, event(4)) === 1, "B's dashboard gets A's next event");
    expect(countOf(b.received, event(3))).toBe(1);
    expect(countOf(a.received, event(4))).toBe(1);
    expect(countOf(b.received, event(1))).toBe(0);

    await a.stop();
    await eventually(async () => (await subscribers(channel)) === 1, "A's subscription ended");
    expect(await subscribers(`${prefix}:channel:${WATCHERS}`)).toBe(1);
    const relayedBefore = a.spy.relayed().length;
    a.bus.publish(event(5));
    expect(a.spy.relayed()).toHaveLength(relayedBefore);
  });

  it("keeps deployments with other prefixes apart", async () => {
    const a = await startReplica(await open("relay-x"));
    const b = await startReplica(await open("relay-y"));
    b.watch();
    await drainImmediates();
    for (let i = 0; i < 3; i++) await raw.command("PING");
    expect(a.bus.watched).toBe(false);
    a.bus.noteRemoteWatchers(Date.now() + 60_000);
    a.bus.publish(event(1));
    expect(a.spy.relayed()).toHaveLength(1);
    // A's event went to relay-x's channel; B listens on relay-y's.
    const probe = await open("relay-y");
    await probe.publish(EVENTS, { from: "probe", event: event(2) });
    await eventually(() => countOf(b.received, event(2)) === 1, "relay-y's own message arrives");
    expect(countOf(b.received, event(1))).toBe(0);
  });
});
