import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { conformanceScenarios, type ScenarioRequest, UNKNOWN_EVENT_TYPE } from "@cmp/testkit";
import { Agent, OpenAIResponsesModel, run, setTracingDisabled } from "@openai/agents";
import OpenAI from "openai";
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

/** The app on a loopback port, and an openai SDK client pointed at it. */
async function startClient(scenario: string): Promise<OpenAI> {
  harness = await createHarness({ scenario });
  server = createServer(harness.app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server?.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "unused-on-loopback", maxRetries: 0 });
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

  it("documents an SDK limit: the responses.stream() helper of openai 6.49 throws on response.metadata", async () => {
    // Not a proxy bug: the helper's accumulator refuses every event type it does not know. The real
    // backend now sends response.metadata; see the codex-client README (part B) for what it means.
    const client = await startClient("full-extras");
    const stream = client.responses.stream({ model: "gpt-5.4", input: "Capital of France?" });
    await expect(stream.finalResponse()).rejects.toThrow(
      /Unhandled response stream event.*response\.metadata/,
    );
  });

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
