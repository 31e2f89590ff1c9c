import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ModelCallError } from "../src/llm/errors.js";
import { createOpenAICompatibleModel, type OpenAICompatibleOptions } from "../src/llm/openai-compatible.js";
import {
  type ScriptedServer,
  type ScriptedServerOptions,
  scriptedLogprob,
  scriptedTokenize,
  startScriptedServer,
} from "../testkit/scripted-server.js";

const MODEL = "test-model";
const KEY = "sk-test-0123456789abcdef";
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function serverWith(options?: ScriptedServerOptions): Promise<ScriptedServer> {
  const server = await startScriptedServer(options);
  cleanups.push(() => server.close());
  return server;
}

function modelFor(server: ScriptedServer, options: Partial<OpenAICompatibleOptions> = {}) {
  const model = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: MODEL, ...options });
  // Closed before the server (cleanups run last-in, first-out).
  cleanups.push(() => model.close());
  return model;
}

async function failure(promise: Promise<unknown>): Promise<ModelCallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!ModelCallError.is(error)) throw new Error(`expected a ModelCallError, got ${String(error)}`);
  return error;
}

const user = (content: string) => [{ role: "user" as const, content }];
const bodyOf = (server: ScriptedServer, i: number) => server.requests[i]!.body as Record<string, unknown>;

describe("generation", () => {
  it("calls /chat/completions for messages and maps parameters", async () => {
    const server = await serverWith();
    const model = modelFor(server);
    const result = await model.generate({
      messages: user("hello"),
      temperature: 0.7,
      topP: 0.9,
      maxTokens: 100,
      stop: ["\n\n"],
      seed: 42,
    });
    expect(result.completions).toEqual([{ text: "Answer: hello", finishReason: "stop" }]);
    expect(result.structuredMode).toBeUndefined();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.path).toBe("/v1/chat/completions");
    expect(bodyOf(server, 0)).toEqual({
      model: MODEL,
      messages: user("hello"),
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 100,
      stop: ["\n\n"],
      seed: 42,
    });
  });

  it("calls /completions for a prompt", async () => {
    const server = await serverWith();
    const result = await modelFor(server).generate({ prompt: "Once upon" });
    expect(result.completions[0]!.text).toBe("Answer: Once upon");
    expect(server.requests[0]!.path).toBe("/v1/completions");
    expect(bodyOf(server, 0).prompt).toBe("Once upon");
  });

  it("renders messages as a prompt when configured for the completions endpoint", async () => {
    const server = await serverWith();
    const model = modelFor(server, { endpoint: "completions" });
    await model.generate({ messages: [{ role: "system", content: "Be brief." }, ...user("hi")] });
    expect(server.requests[0]!.path).toBe("/v1/completions");
    expect(bodyOf(server, 0).prompt).toBe("System: Be brief.\n\nUser: hi\n\nAssistant:");
  });

  it("returns n samples in choice order although the server sends them reversed", async () => {
    const server = await serverWith();
    const result = await modelFor(server).generate({ messages: user("q"), n: 3 });
    expect(bodyOf(server, 0).n).toBe(3);
    expect(result.completions.map((c) => c.text)).toEqual(["Answer: q", "Answer: q [1]", "Answer: q [2]"]);
  });

  it("caps n at maxSamplesPerCall and lowers the cap when the server ignores n", async () => {
    const server = await serverWith();
    const model = modelFor(server, { maxSamplesPerCall: 2 });
    await model.generate({ messages: user("q"), n: 5 });
    expect(bodyOf(server, 0).n).toBe(2);

    server.injectFaults({
      status: 200,
      body: { choices: [{ index: 0, message: { content: "only one" }, finish_reason: "stop" }] },
    });
    const result = await model.generate({ messages: user("q"), n: 2 });
    expect(result.completions).toHaveLength(1);
    expect(model.maxSamplesPerCall).toBe(1);
  });

  it("reports usage from the server, or estimates it at 4 characters per token", async () => {
    const server = await serverWith();
    const reported = await modelFor(server).generate({ messages: user("12345678") });
    expect(reported.usage).toEqual({ inputTokens: 2, outputTokens: 4 }); // "Answer: 12345678" = 16 chars

    const bare = await serverWith({ omitUsage: true });
    const estimated = await modelFor(bare).generate({ messages: user("123456789") });
    expect(estimated.usage).toEqual({ inputTokens: 3, outputTokens: 5 }); // ceil(9/4), ceil(17/4)
  });

  it("maps finish reasons", async () => {
    const reasons = ["content_filter", "tool_calls", "length"];
    const server = await serverWith({ reply: ({ index }) => ({ text: "t", finishReason: reasons[index]! }) });
    const result = await modelFor(server).generate({ messages: user("q"), n: 3 });
    expect(result.completions.map((c) => c.finishReason)).toEqual(["content-filter", "other", "length"]);

    const plain = await serverWith(); // cuts its default reply at ~4 chars per max token
    const truncated = await modelFor(plain).generate({ messages: user("a long question"), maxTokens: 1 });
    expect(truncated.completions[0]!.finishReason).toBe("length");
  });

  it("sends the key only as an Authorization header and keeps it out of the id", async () => {
    const server = await serverWith();
    const withKey = modelFor(server, { apiKey: KEY });
    await withKey.generate({ messages: user("a") });
    await modelFor(server).generate({ messages: user("b") });
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[1]!.headers.authorization).toBeUndefined();
    expect(withKey.id).toBe(`openai-compatible:${MODEL}@${server.baseUrl}`);
    expect(withKey.id).not.toContain(KEY);
  });

  it("tolerates a trailing slash in the base URL", async () => {
    const server = await serverWith();
    const model = createOpenAICompatibleModel({ baseUrl: `${server.baseUrl}/`, model: MODEL });
    cleanups.push(() => model.close());
    expect(model.id).toBe(`openai-compatible:${MODEL}@${server.baseUrl}`);
    await model.generate({ messages: user("a") });
    expect(server.requests[0]!.path).toBe("/v1/chat/completions");
  });

  it("keeps several connections busy at once", async () => {
    const server = await serverWith({ latencyMs: 20 });
    const model = modelFor(server);
    await Promise.all(Array.from({ length: 20 }, (_, i) => model.generate({ messages: user(`q${i}`) })));
    expect(server.maxInFlight).toBeGreaterThan(1);
  });

  it("rejects with the caller's abort reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stop now");
    const server = await serverWith({
      reply: () => {
        controller.abort(reason);
        return new Promise((resolve) => setTimeout(() => resolve("late"), 50));
      },
    });
    const model = modelFor(server);
    await expect(model.generate({ messages: user("q") }, { signal: controller.signal })).rejects.toBe(reason);
  });
});

describe("failure classification (one HTTP attempt per call)", () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(() => server.close());

  async function failWith(...faults: Parameters<ScriptedServer["injectFaults"]>): Promise<ModelCallError> {
    server.reset();
    server.injectFaults(...faults);
    const model = modelFor(server, { apiKey: KEY, timeoutMs: 300 });
    const error = await failure(model.generate({ messages: user("q") }));
    expect(server.requests).toHaveLength(1);
    return error;
  }

  it("429 is a rate limit with Retry-After in milliseconds", async () => {
    const error = await failWith({ status: 429, retryAfter: 3 });
    expect(error.kind).toBe("rate-limit");
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.retryable).toBe(true);
  });

  it("5xx is a server error", async () => {
    for (const status of [500, 502, 503]) {
      const error = await failWith({ status });
      expect(error.kind).toBe("server");
      expect(error.status).toBe(status);
      expect(error.retryable).toBe(true);
    }
  });

  it("a reset socket is a connection error", async () => {
    const error = await failWith({ reset: true });
    expect(error.kind).toBe("connection");
    expect(error.retryable).toBe(true);
  });

  it("a truncated body is malformed", async () => {
    const error = await failWith({ truncate: true });
    expect(error.kind).toBe("malformed");
    expect(error.retryable).toBe(true);
  });

  it("a 200 without choices is malformed", async () => {
    const error = await failWith({ status: 200, body: { object: "chat.completion" } });
    expect(error.kind).toBe("malformed");
  });

  it("a reply slower than timeoutMs is a timeout", async () => {
    const error = await failWith({ delayMs: 3000 });
    expect(error.kind).toBe("timeout");
    expect(error.retryable).toBe(true);
  });

  it("400 is a bad request carrying the server's message", async () => {
    const error = await failWith({ status: 400, body: { error: { message: "max_tokens is too large" } } });
    expect(error.kind).toBe("bad-request");
    expect(error.status).toBe(400);
    expect(error.message).toContain("max_tokens is too large");
    expect(error.retryable).toBe(false);
  });

  it("401 is an auth error, and a key echoed by the server is redacted", async () => {
    const error = await failWith({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${KEY}.` } },
    });
    expect(error.kind).toBe("auth");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("Incorrect API key provided");
    expect(error.message).not.toContain(KEY);
  });

  it("redacts secret-looking custom header values too", async () => {
    server.reset();
    server.injectFaults({
      status: 403,
      body: { error: { message: "api-key azure-secret-42 has no access" } },
    });
    const model = modelFor(server, { headers: { "api-key": "azure-secret-42" } });
    const error = await failure(model.generate({ messages: user("q") }));
    expect(server.requests[0]!.headers["api-key"]).toBe("azure-secret-42");
    expect(error.kind).toBe("auth");
    expect(error.message).not.toContain("azure-secret-42");
  });

  it("a refused connection is a connection error", async () => {
    const closed = await startScriptedServer();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const model = createOpenAICompatibleModel({ baseUrl, model: MODEL });
    cleanups.push(() => model.close());
    const error = await failure(model.generate({ messages: user("q") }));
    expect(error.kind).toBe("connection");
  });
});

describe("structured output", () => {
  const schema = {
    type: "object",
    properties: { answer: { type: "string" }, score: { type: "integer", minimum: 1 } },
    required: ["answer", "score"],
    additionalProperties: false,
  };
  const jsonSchema = { name: "verdict", schema };

  it("native mode sends response_format json_schema", async () => {
    const server = await serverWith();
    const result = await modelFor(server, { structuredOutput: "native" }).generate({
      messages: user("judge"),
      jsonSchema,
    });
    expect(bodyOf(server, 0).response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "verdict", schema, strict: true },
    });
    expect(result.structuredMode).toBe("native");
    expect(JSON.parse(result.completions[0]!.text)).toEqual({ answer: "x", score: 1 });
  });

  it("auto mode falls back to prompt mode for good when the server rejects response_format", async () => {
    const server = await serverWith({ rejectResponseFormat: true });
    const model = modelFor(server);
    const first = await model.generate({ messages: user("judge"), jsonSchema });
    expect(first.structuredMode).toBe("prompt");
    expect(server.requests).toHaveLength(2);
    expect(bodyOf(server, 0).response_format).toBeDefined();
    const retried = bodyOf(server, 1);
    expect(retried.response_format).toBeUndefined();
    const system = (retried.messages as { role: string; content: string }[])[0]!;
    expect(system.role).toBe("system");
    expect(system.content).toContain(JSON.stringify(schema));
    // The scripted server wraps prompt-mode answers in ``` fences; they are stripped.
    expect(JSON.parse(first.completions[0]!.text)).toEqual({ answer: "x", score: 1 });

    const second = await model.generate({ messages: user("again"), jsonSchema });
    expect(second.structuredMode).toBe("prompt");
    expect(server.requests).toHaveLength(3);
    expect(bodyOf(server, 2).response_format).toBeUndefined();
  });

  it("native mode does not fall back", async () => {
    const server = await serverWith({ rejectResponseFormat: true });
    const error = await failure(
      modelFor(server, { structuredOutput: "native" }).generate({ messages: user("judge"), jsonSchema }),
    );
    expect(error.kind).toBe("bad-request");
    expect(server.requests).toHaveLength(1);
  });

  it("prompt mode merges the instruction into an existing system message", async () => {
    const server = await serverWith();
    const result = await modelFor(server, { structuredOutput: "prompt" }).generate({
      messages: [{ role: "system", content: "You are a judge." }, ...user("judge")],
      jsonSchema,
    });
    const messages = bodyOf(server, 0).messages as { role: string; content: string }[];
    expect(messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(messages[0]!.content.startsWith("You are a judge.\n\n")).toBe(true);
    expect(result.structuredMode).toBe("prompt");
    expect(JSON.parse(result.completions[0]!.text)).toEqual({ answer: "x", score: 1 });
  });
});

describe("logprobs", () => {
  const context = "The capital of France is";
  const text = " Paris, of course.";

  /** What the scripted server assigns to the tokens of `text` (both dialects agree). */
  function expected() {
    const contextTokens = scriptedTokenize(context).length;
    return scriptedTokenize(text).map((token, i) => ({ token, logprob: scriptedLogprob(contextTokens + i) }));
  }

  it("reads the OpenAI legacy echo format", async () => {
    const server = await serverWith({ logprobs: "echo" });
    const model = modelFor(server);
    expect((await model.logprobs(context, text)).tokens).toEqual(expected());
    expect(bodyOf(server, 0)).toMatchObject({ prompt: context + text, echo: true, logprobs: 1 });
    await model.logprobs(context, text);
    expect(server.requests).toHaveLength(2);
  });

  it("falls back to vLLM prompt_logprobs and remembers it", async () => {
    const server = await serverWith({ logprobs: "vllm" });
    const model = modelFor(server);
    expect((await model.logprobs(context, text)).tokens).toEqual(expected());
    expect(server.requests).toHaveLength(2);
    expect(bodyOf(server, 1)).toMatchObject({ prompt: context + text, prompt_logprobs: 1 });
    await model.logprobs(context, text);
    expect(server.requests).toHaveLength(3);
    expect(bodyOf(server, 2).prompt_logprobs).toBe(1);
  });

  it("throws a clear unsupported error when the server has neither", async () => {
    const server = await serverWith({ logprobs: "none" });
    const model = modelFor(server);
    const error = await failure(model.logprobs(context, text));
    expect(error.kind).toBe("unsupported");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/no prompt log-probabilities/);
    expect(error.message).toMatch(/vLLM/);
    expect(error.message).toMatch(/local/);
    expect(server.requests).toHaveLength(2);

    expect((await failure(model.logprobs(context, text))).kind).toBe("unsupported");
    expect(server.requests).toHaveLength(2);
  });

  it("propagates transient failures while probing instead of declaring logprobs unsupported", async () => {
    const server = await serverWith({ logprobs: "echo" });
    const model = modelFor(server);
    server.injectFaults({ status: 503 });
    expect((await failure(model.logprobs(context, text))).kind).toBe("server");
    expect((await model.logprobs(context, text)).tokens).toEqual(expected());
  });
});
