import { render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ModelInfo } from "../api/model-list.js";
import { App } from "../app.js";
import { createFakeLoginDriver } from "../testing/fake-login-driver.js";
import { createFakeServerClient, type FakeServerClient } from "../testing/fake-server-client.js";
import { testNow } from "../testing/fixtures.js";
import { plain, tick } from "../testing/frame.js";
import { ModelsScreen } from "./models-screen.js";

const catalog: ModelInfo[] = [
  {
    id: "gpt-5.2",
    contextWindow: 272_000,
    maxOutputTokens: 128_000,
    efforts: ["low", "medium", "high", "xhigh"],
    defaultEffort: "medium",
    inputModalities: ["text", "image"],
  },
  {
    id: "gpt-5.1-codex-mini",
    contextWindow: 400_000,
    maxOutputTokens: null,
    efforts: [],
    defaultEffort: null,
    inputModalities: ["text"],
  },
];
let unmounts: (() => void)[] = [];

afterEach(() => {
  for (const unmount of unmounts) unmount();
  unmounts = [];
});

function startApp(client: FakeServerClient, rows = 30) {
  const result = render(
    <App
      client={client}
      loginDriver={createFakeLoginDriver()}
      codexHome="/c"
      initialScreen="models"
      now={() => testNow}
      tickMs={0}
      size={{ columns: 100, rows }}
      backoffMs={() => 60_000}
    />,
  );
  unmounts.push(result.unmount);
  const frame = () => plain(result.lastFrame());
  return {
    ...result,
    frame,
    until: (text: string) => vi.waitFor(() => expect(frame()).toContain(text), { timeout: 5000 }),
  };
}

describe("ModelsScreen", () => {
  it("lists context windows, output limits, efforts (default starred) and input modalities", () => {
    const { lastFrame } = render(
      <ModelsScreen
        models={{ state: "ready", models: catalog }}
        serverUrl="http://127.0.0.1:8083"
        width={100}
        height={20}
        scroll={0}
      />,
    );
    const frame = plain(lastFrame());
    expect(frame).toContain("Models (2) from http://127.0.0.1:8083/v1/models");
    expect(frame).toMatch(/MODEL\s+CONTEXT\s+MAX OUT\s+EFFORTS \(\* default\)\s+INPUT/);
    expect(frame).toMatch(/gpt-5\.2\s+272k\s+128k\s+low medium\* high xhigh\s+text, image/);
    expect(frame).toMatch(/gpt-5\.1-codex-mini\s+400k\s+—\s+—\s+text/);
  });

  it("loads the catalog from the server when opened", async () => {
    const app = startApp(createFakeServerClient({ models: catalog }));
    await app.until("Models (2)");
    expect(app.frame()).toContain("gpt-5.1-codex-mini");
  });

  it("says the server is down and retries on r", async () => {
    const client = createFakeServerClient({ up: false, models: catalog });
    const app = startApp(client);
    await app.until("Cannot load the model list");
    expect(app.frame()).toContain("Is the server running? Start it with pnpm start");
    client.up = true;
    app.stdin.write("r");
    await app.until("Models (2)");
  });

  it("scrolls a long catalog with the arrow keys", async () => {
    const many = Array.from(
      { length: 40 },
      (_, i) => ({ ...catalog[0], id: `model-${String(i).padStart(2, "0")}` }) as ModelInfo,
    );
    const app = startApp(createFakeServerClient({ models: many }), 16);
    await app.until("Models (40)");
    expect(app.frame()).toContain("model-00");
    expect(app.frame()).toContain("rows 1–");
    for (let i = 0; i < 3; i++) {
      app.stdin.write("\u001b[B");
      await tick(30);
    }
    await app.until("rows 4–");
    expect(app.frame()).not.toContain("model-00");
    expect(app.frame()).toContain("model-03");
  });
});
