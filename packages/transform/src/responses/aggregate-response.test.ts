import { describe, expect, it } from "vitest";
import { OpenAIHttpError } from "../errors/openai-http-error.js";
import { eventSource, loadEvents } from "../testing/fixtures.js";
import { aggregateResponse } from "./aggregate-response.js";

describe("aggregateResponse", () => {
  it("rebuilds output from output_item.done when completed.output is empty, with usage and status", async () => {
    const response = await aggregateResponse(eventSource(loadEvents("tool-calls-parallel")), {
      model: "gpt-5.5-high",
    });
    expect(response.status).toBe("completed");
    expect(response.object).toBe("response");
    expect(response.model).toBe("gpt-5.5-high");
    expect(response.usage?.total_tokens).toBe(162);
    expect(response.output?.map((item) => item.type)).toEqual([
      "reasoning",
      "function_call",
      "function_call",
    ]);
    expect(response).not.toHaveProperty("output_text");
  });

  it("keeps completed.output when the backend sent it", async () => {
    const response = await aggregateResponse(eventSource(loadEvents("completed-output-only")));
    expect(response.output?.map((item) => item.id)).toEqual(["rs_9", "msg_9", "fc_9"]);
  });

  it("returns incomplete responses with their status", async () => {
    const response = await aggregateResponse(eventSource(loadEvents("incomplete-max-tokens")));
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details?.reason).toBe("max_output_tokens");
    expect(response.output?.[0]).toMatchObject({
      type: "message",
      content: [{ type: "output_text", text: "Once upon a time" }],
    });
  });

  it("throws mapped errors for failed and truncated streams", async () => {
    const failed = await aggregateResponse(eventSource(loadEvents("failed-context-length"))).catch(
      (e: unknown) => e,
    );
    expect(OpenAIHttpError.isInstance(failed) && failed.code).toBe("context_length_exceeded");
    const truncated = await aggregateResponse(eventSource(loadEvents("truncated"))).catch((e: unknown) => e);
    expect(OpenAIHttpError.isInstance(truncated) && truncated.code).toBe("stream_incomplete");
  });
});
