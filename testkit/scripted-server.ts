/**
 * A scripted OpenAI-compatible HTTP server for tests and benchmarks: deterministic replies, recorded
 * requests, concurrency counters and a FIFO queue of injected faults. Cheap per request (thousands/s on
 * one core), so benchmarks can run it as a separate process (see scripted-server-main.ts).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import {
  applyLimits,
  defaultReply,
  echoLogprobs,
  isRecord,
  type ReplyContext,
  type ScriptedChatMessage,
  type ScriptedReply,
  vllmLogprobs,
} from "./scripted-replies.js";

export {
  instanceOf,
  type ReplyContext,
  type ScriptedChatMessage,
  type ScriptedReply,
  scriptedLogprob,
  scriptedTokenize,
} from "./scripted-replies.js";

/** Applies to one request. Any fault may carry `delayMs`, waited before the fault takes effect. */
export type Fault = StatusFault | DelayFault | ResetFault | TruncateFault;
/** Reply with this status (429, 5xx, 400, …, even 200 with a custom body). */
export interface StatusFault {
  status: number;
  /** Retry-After header, in seconds (or an HTTP date string). */
  retryAfter?: number | string;
  /** Reply body: a string is sent as is, an object as JSON. Default: an OpenAI-style error object. */
  body?: string | Record<string, unknown>;
  delayMs?: number;
}
/** A slow but otherwise normal reply. */
export interface DelayFault {
  delayMs: number;
}
/** Destroy the socket without replying. */
export interface ResetFault {
  reset: true;
  delayMs?: number;
}
/** A 200 whose JSON body is cut in the middle (Content-Length matches the cut body). */
export interface TruncateFault {
  truncate: true;
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  /** URL path without query, e.g. "/v1/chat/completions". */
  path: string;
  /** Parsed JSON body (undefined for GET or an unparsable body). */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** performance.now() when the request headers arrived. */
  receivedAt: number;
  /** performance.now() when the reply was fully sent or the connection closed; undefined while in flight. */
  finishedAt: number | undefined;
  /** True once the whole reply was sent (false after a reset fault or a client abort). */
  completed: boolean;
  fault: Fault | undefined;
}

export interface ScriptedServerOptions {
  /** Fixed delay before every reply. */
  latencyMs?: number;
  reply?: (context: ReplyContext) => ScriptedReply | Promise<ScriptedReply>;
  /** Answer 400 "response_format is not supported" to any request carrying response_format. */
  rejectResponseFormat?: boolean;
  /** Prompt-logprob dialect of /completions. "vllm" ignores echo; "none" rejects echo with 400. Default "echo". */
  logprobs?: "echo" | "vllm" | "none";
  /** Leave `usage` out of replies (to test client-side estimation). */
  omitUsage?: boolean;
  /** Record requests in `requests` (default true; turn off for long benchmarks). */
  record?: boolean;
  /** Model id listed by /v1/models. Default "scripted-model". */
  model?: string;
  port?: number;
}

export interface ScriptedServer {
  /** e.g. "http://127.0.0.1:40123/v1" */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Queues faults; each applies to one subsequent request, in order. */
  injectFaults(...faults: Fault[]): void;
  /** Clears recorded requests, queued faults and maxInFlight. */
  reset(): void;
  close(): Promise<void>;
}

export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const server = new Scripted(options);
  await server.listen(options.port ?? 0);
  return server;
}

class Scripted implements ScriptedServer {
  baseUrl = "";
  requests: RecordedRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Requests answered or failed since the last reset, counted even when not recorded. */
  private handled = 0;
  private faults: Fault[] = [];
  private readonly http = createServer((req, res) => this.handle(req, res));
  private readonly record: boolean;

  constructor(private readonly options: ScriptedServerOptions) {
    this.record = options.record ?? true;
    // Longer than any client's keep-alive, so the server never closes a socket the client is about to reuse.
    this.http.keepAliveTimeout = 65_000;
    this.http.headersTimeout = 66_000;
    this.http.requestTimeout = 0;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen({ port, host: "127.0.0.1", backlog: 4096 }, () => {
        const address = this.http.address() as AddressInfo;
        this.baseUrl = `http://127.0.0.1:${address.port}/v1`;
        resolve();
      });
    });
  }

  injectFaults(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  reset(): void {
    this.requests = [];
    this.faults = [];
    this.handled = 0;
    this.maxInFlight = this.inFlight;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      raw += chunk;
    });
    req.on("end", () => this.dispatch(req, res, raw));
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    if (path.startsWith("/__")) {
      this.control(path, body, res);
      return;
    }
    const fault = this.faults.shift();
    this.track(req, res, path, body, fault);
    const delay = (this.options.latencyMs ?? 0) + (fault?.delayMs ?? 0);
    if (delay <= 0) void this.respond(req, res, path, body, fault);
    else setTimeout(() => void this.respond(req, res, path, body, fault), delay).unref();
  }

  private track(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    body: unknown,
    fault: Fault | undefined,
  ): void {
    this.inFlight++;
    this.handled++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    const record: RecordedRequest | undefined = this.record
      ? {
          method: req.method ?? "GET",
          path,
          body,
          headers: req.headers,
          receivedAt: performance.now(),
          finishedAt: undefined,
          completed: false,
          fault,
        }
      : undefined;
    if (record) this.requests.push(record);
    res.once("close", () => {
      this.inFlight--;
      if (record) {
        record.finishedAt = performance.now();
        record.completed = res.writableFinished;
      }
    });
  }

  private async respond(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    body: unknown,
    fault: Fault | undefined,
  ): Promise<void> {
    if (res.destroyed) return; // the client gave up (timeout/abort) during the delay
    if (fault && "reset" in fault) {
      req.socket.destroy();
      return;
    }
    if (fault && "status" in fault) {
      sendFault(res, fault);
      return;
    }
    let reply: Reply;
    try {
      reply = await this.route(req.method ?? "GET", path, body);
    } catch (error) {
      reply = errorReply(
        500,
        `reply script failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (res.destroyed) return;
    let text = JSON.stringify(reply.body);
    if (fault && "truncate" in fault && reply.status === 200)
      text = text.slice(0, Math.floor(text.length / 2));
    send(res, reply.status, text);
  }

  private route(method: string, path: string, body: unknown): Reply | Promise<Reply> {
    if (method === "GET" && path === "/v1/models") {
      const id = this.options.model ?? "scripted-model";
      return { status: 200, body: { object: "list", data: [{ id, object: "model", owned_by: "scripted" }] } };
    }
    if (method !== "POST") return errorReply(404, `no route for ${method} ${path}`);
    if (!isRecord(body)) return errorReply(400, "the request body must be a JSON object");
    if (path === "/v1/chat/completions") return this.completion("chat", body);
    if (path === "/v1/completions") return this.completion("completions", body);
    return errorReply(404, `no route for POST ${path}`);
  }

  private async completion(endpoint: "chat" | "completions", body: Record<string, unknown>): Promise<Reply> {
    if (this.options.rejectResponseFormat && body.response_format !== undefined) {
      return errorReply(400, "response_format is not supported");
    }
    const logprobMode = this.options.logprobs ?? "echo";
    const wantsEcho = endpoint === "completions" && body.echo === true && body.logprobs != null;
    if (wantsEcho && logprobMode === "none") return errorReply(400, "echo is not supported with logprobs");
    const messages = endpoint === "chat" ? toMessages(body.messages) : [];
    const prompt = endpoint === "completions" ? String(body.prompt ?? "") : "";
    const input = endpoint === "chat" ? lastUserMessage(messages) : prompt;
    const schema = responseFormatSchema(body.response_format);
    const n = typeof body.n === "number" && body.n > 1 ? Math.floor(body.n) : 1;
    const choices: Record<string, unknown>[] = [];
    let outputChars = 0;
    for (let index = 0; index < n; index++) {
      const context: ReplyContext = { endpoint, body, messages, input, index, schema };
      const scripted = this.options.reply ? await this.options.reply(context) : defaultReply(context);
      const { text, finishReason } = applyLimits(scripted, body);
      outputChars += text.length;
      const choice: Record<string, unknown> = { index, finish_reason: finishReason };
      if (endpoint === "chat") choice.message = { role: "assistant", content: text };
      else {
        choice.text = wantsEcho ? prompt + text : text;
        choice.logprobs = wantsEcho && logprobMode === "echo" ? echoLogprobs(prompt, text) : null;
        if (body.prompt_logprobs != null && logprobMode === "vllm")
          choice.prompt_logprobs = vllmLogprobs(prompt);
      }
      choices.push(choice);
    }
    // Reversed on purpose: real servers do not promise index order, so clients must sort.
    choices.reverse();
    const reply: Record<string, unknown> = {
      id: "cmpl-scripted",
      object: endpoint === "chat" ? "chat.completion" : "text_completion",
      model: body.model,
      choices,
    };
    if (!this.options.omitUsage) {
      const inputChars =
        endpoint === "chat" ? messages.reduce((sum, m) => sum + m.content.length, 0) : prompt.length;
      reply.usage = {
        prompt_tokens: Math.ceil(inputChars / 4),
        completion_tokens: Math.ceil(outputChars / 4),
        total_tokens: Math.ceil(inputChars / 4) + Math.ceil(outputChars / 4),
      };
    }
    return { status: 200, body: reply };
  }

  private control(path: string, body: unknown, res: ServerResponse): void {
    if (path === "/__stats") {
      const stats = { requests: this.handled, inFlight: this.inFlight, maxInFlight: this.maxInFlight };
      send(res, 200, JSON.stringify(stats));
    } else if (path === "/__reset") {
      this.reset();
      send(res, 200, "{}");
    } else if (path === "/__faults" && Array.isArray(body)) {
      this.injectFaults(...(body as Fault[]));
      send(res, 200, "{}");
    } else {
      send(res, 404, JSON.stringify({ error: { message: `unknown control path ${path}` } }));
    }
  }
}

interface Reply {
  status: number;
  body: unknown;
}

function send(res: ServerResponse, status: number, text: string, extra?: Record<string, string>): void {
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

function sendFault(res: ServerResponse, fault: StatusFault): void {
  const body =
    fault.body === undefined
      ? JSON.stringify(errorReply(fault.status, defaultFaultMessage(fault.status)).body)
      : typeof fault.body === "string"
        ? fault.body
        : JSON.stringify(fault.body);
  const extra = fault.retryAfter === undefined ? undefined : { "retry-after": String(fault.retryAfter) };
  send(res, fault.status, body, extra);
}

function defaultFaultMessage(status: number): string {
  if (status === 429) return "Rate limit reached, please retry later";
  if (status >= 500) return `Injected server error ${status}`;
  return `Injected error ${status}`;
}

function errorReply(status: number, message: string): Reply {
  const type = status >= 500 ? "server_error" : "invalid_request_error";
  return { status, body: { error: { message, type, param: null, code: null } } };
}

function responseFormatSchema(format: unknown): Record<string, unknown> | undefined {
  if (!isRecord(format) || format.type !== "json_schema" || !isRecord(format.json_schema)) return undefined;
  const schema = format.json_schema.schema;
  return isRecord(schema) ? schema : undefined;
}

function toMessages(value: unknown): ScriptedChatMessage[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((m) => ({ role: String(m.role), content: String(m.content ?? "") }));
}

function lastUserMessage(messages: ScriptedChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.role === "user") return messages[i]!.content;
  return "";
}
