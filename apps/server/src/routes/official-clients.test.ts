import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { conformanceScenarios, type ScenarioRequest, UNKNOWN_EVENT_TYPE } from "@cmp/testkit";
import { PUBLIC_RESPONSES_EVENT_TYPES } from "@cmp/transform";
import { Agent, OpenAIResponsesModel, run, setTracingDisabled } from "@openai/agents";
import OpenAI from "openai";
import OpenAICurrent from "openai-current";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";

// Traces would go to api.openai.com; these tests never leave loopback.
setTracingDisabled(true);

let harness: Harness | undefined;
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await harness?.close();
  harness = undefined;
});

/** The app on a loopback port; the base URL an SDK client is pointed at. */
async function startApp(scenario: string): Promise<string> {
  harness = await createHarness({ scenario });
  server = createServer(harness.app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server?.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}/v1`;
}

/** The app on a loopback port, and an openai SDK (6.49) client pointed at it. */
async function startClient(scenario: string): Promise<OpenAI> {
  return new OpenAI({ baseURL: await startApp(scenario), apiKey: "unused-on-loopback", maxRetries: 0 });
}

/** The event types the fake sends for a scenario, in order. */
function scenarioEventTypes(name: string): string[] {
  const make = conformanceScenarios[name];
  if (!make) throw new Error(`no scenario ${name}`);
  const req: ScenarioRequest = {
    body: {},
    headers: {},
    model: "gpt-5.4",
    lastUserText: "",
    toolNames: ["get_weather"],
    planType: "pro",
    requestIndex: 0,
  };
  return (make(req).events ?? []).map((step) => ("type" in step ? step.type : ""));
}

/** What the two SDK versions' `responses.stream()` have in common, as these tests use it. */
interface StreamHelperClient {
  responses: {
    stream(params: { model: string; instructions: string; input: string }): AsyncIterable<{
      type: string;
      delta?: unknown;
    }> & { finalResponse(): Promise<{ output_text: string; instructions?: unknown; status?: unknown }> };
  };
}

const responsesRequests = () =>
  (harness as Harness).codex.requests.filter((r) => r.path.endsWith("/responses")).length;

const weatherTool = {
  type: "function" as const,
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  strict: false,
};

describe("the official openai SDK's Responses stream helper", () => {
  it.each(["full-text", "full-reasoning", "full-tools", "full-web-search"])(
    "gets every event of %s in order, and finalResponse() equals what was streamed",
    async (scenario) => {
      const client = await startClient(scenario);
      const stream = client.responses.stream({
        model: "gpt-5.4",
        instructions: "Answer in one line.",
        input: "What is the capital of France?",
        tools: [weatherTool],
      });
      const types: string[] = [];
      let text = "";
      const doneItems: unknown[] = [];
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === "response.output_text.delta") text += event.delta;
        if (event.type === "response.output_item.done") doneItems.push(event.item);
      }
      const final = await stream.finalResponse();
      expect(types).toEqual(scenarioEventTypes(scenario));
      // The SDK adds its own `parsed` fields; everything the stream carried must be there.
      expect(final.output).toHaveLength(doneItems.length);
      expect(final.output).toMatchObject(doneItems);
      expect(final.output_text).toBe(text);
      expect(final.instructions).toBe("Answer in one line.");
      expect(final.status).toBe("completed");
      expect(responsesRequests()).toBe(1);
    },
  );

  it("gets the backend's response.metadata and unknown event types verbatim and in order (raw stream)", async () => {
    const client = await startClient("full-extras");
    const stream = await client.responses.create({
      model: "gpt-5.4",
      input: "Capital of France?",
      stream: true,
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(scenarioEventTypes("full-extras"));
    expect(types).toContain("response.metadata");
    expect(types).toContain(UNKNOWN_EVENT_TYPE);
  });

  it.each([
    ["openai 6.49", OpenAI],
    ["openai 7.60", OpenAICurrent],
  ] as const)(
    "%s: responses.stream() is not given the backend's response.metadata nor unknown types (they would throw), and finalResponse() equals the stream",
    async (_name, Client) => {
      const client: StreamHelperClient = new Client({
        baseURL: await startApp("full-extras"),
        apiKey: "unused-on-loopback",
        maxRetries: 0,
      });
      const stream = client.responses.stream({
        model: "gpt-5.4",
        instructions: "Answer in one line.",
        input: "Capital of France?",
      });
      const types: string[] = [];
      let text = "";
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === "response.output_text.delta") text += String(event.delta);
      }
      const final = await stream.finalResponse();
      // The helper announces itself (X-Stainless-Helper-Method: stream): it gets the public event set.
      expect(types).toEqual(
        scenarioEventTypes("full-extras").filter((type) => PUBLIC_RESPONSES_EVENT_TYPES.has(type)),
      );
      expect(types).not.toContain("response.metadata");
      expect(final.output_text).toBe(text);
      expect(final.instructions).toBe("Answer in one line.");
      expect(final.status).toBe("completed");
      expect(responsesRequests()).toBe(1);
    },
  );

  it("fails fast, without retries, on an unsupported endpoint (404, not 501)", async () => {
    harness = await createHarness();
    server = createServer(harness.app).listen(0, "127.0.0.1");
    await new Promise((resolve) => server?.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "x", maxRetries: 2 });
    const error = await client.embeddings
      .create({ model: "text-embedding-3-small", input: "hi" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("unsupported_endpoint");
  });
});

describe("the OpenAI Agents SDK", () => {
  it("answers a streamed run through OpenAIResponsesModel with one backend call", async () => {
    // The backend's full event set, response.metadata and an unknown type included.
    const client = await startClient("full-extras");
    // openai 6.49 (these tests) and the 7.x inside @openai/agents differ only in private fields; the
    // Agents SDK calls the public `responses.create`.
    type AgentsClient = ConstructorParameters<typeof OpenAIResponsesModel>[0];
    const agent = new Agent({
      name: "Geographer",
      instructions: "Answer in one line.",
      model: new OpenAIResponsesModel(client as unknown as AgentsClient, "gpt-5.4"),
    });
    const result = await run(agent, "What is the capital of France?", { stream: true });
    let streamed = "";
    for await (const event of result) {
      if (event.type === "raw_model_stream_event" && event.data.type === "output_text_delta") {
        streamed += event.data.delta;
      }
    }
    await result.completed;
    expect(result.finalOutput).toBe("Paris is the capital of France.");
    expect(streamed).toBe("Paris is the capital of France.");
    expect(responsesRequests()).toBe(1);
  });
});
