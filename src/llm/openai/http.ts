/**
 * One-shot JSON POSTs over a keep-alive undici Pool, with every failure turned into a classified
 * ModelCallError. No retries here: the engine owns retry policy and reads only `kind`/`retryAfterMs`.
 */
import type { IncomingHttpHeaders } from "node:http";
import { type Dispatcher, Pool } from "undici";
import { ModelCallError, type ModelErrorKind, parseRetryAfter } from "../errors.js";

export interface TransportOptions {
  /** Prefix of every error message (the model id: never contains a secret). */
  label: string;
  origin: string;
  basePath: string;
  apiKey: string | undefined;
  headers: Record<string, string> | undefined;
  timeoutMs: number;
  connections: number;
}

export interface Transport {
  /** POSTs `payload` as JSON to `basePath + endpoint`; resolves with the parsed 2xx body. */
  post(endpoint: string, payload: unknown, signal?: AbortSignal): Promise<unknown>;
  close(): Promise<void>;
}

export interface ParsedBaseUrl {
  origin: string;
  /** Path without trailing slash, e.g. "/v1". */
  basePath: string;
  /** origin + basePath: used in the model id. */
  normalized: string;
}

export function parseBaseUrl(raw: string): ParsedBaseUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`baseUrl is not a valid URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`baseUrl must be http(s), got ${url.protocol}`);
  }
  // The base URL ends up in the model id (cache keys, records): refuse anything that may carry a secret.
  if (url.username || url.password) {
    throw new Error("baseUrl must not contain credentials; pass apiKey (or headers) instead");
  }
  if (url.search || url.hash) {
    throw new Error("baseUrl must not contain a query string or fragment; pass extra values via headers");
  }
  const basePath = url.pathname.replace(/\/+$/, "");
  return { origin: url.origin, basePath, normalized: url.origin + basePath };
}

const SECRET_HEADER = /auth|key|token|secret|cookie/i;

export function createTransport(options: TransportOptions): Transport {
  const pool = new Pool(options.origin, {
    connections: options.connections,
    pipelining: 1,
    // undici applies these per phase (until headers; between body chunks), which avoids a timer and
    // an AbortController per call on the hot path.
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const headers = buildHeaders(options);
  const redact = makeRedactor(options);
  const context: ErrorContext = { label: options.label, timeoutMs: options.timeoutMs, redact };

  async function post(endpoint: string, payload: unknown, signal?: AbortSignal): Promise<unknown> {
    const path = options.basePath + endpoint;
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await pool.request({ method: "POST", path, headers, body: JSON.stringify(payload), signal });
      text = await response.body.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      throw classifyTransportError(error, path, context);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return parseJsonBody(text, path, context);
    throw httpError(response.statusCode, response.headers, text, path, context);
  }

  return { post, close: () => pool.close() };
}

function buildHeaders(options: TransportOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
    ...options.headers,
  };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  return headers;
}

/** Servers sometimes echo credentials in error bodies ("Incorrect API key provided: sk-..."). */
function makeRedactor(options: TransportOptions): (text: string) => string {
  const secrets: string[] = [];
  if (options.apiKey) secrets.push(options.apiKey);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (SECRET_HEADER.test(name)) secrets.push(value.replace(/^(Bearer|Basic)\s+/i, ""));
  }
  const usable = secrets.filter((secret) => secret.length >= 4);
  if (usable.length === 0) return (text) => text;
  return (text) => usable.reduce((out, secret) => out.split(secret).join("[REDACTED]"), text);
}

interface ErrorContext {
  label: string;
  timeoutMs: number;
  redact: (text: string) => string;
}

function parseJsonBody(text: string, path: string, context: ErrorContext): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelCallError(
      "malformed",
      context.redact(
        `${context.label}: POST ${path} answered 2xx with a body that is not valid JSON ` +
          `(${text.length} chars): ${snippet(text)}`,
      ),
      { cause: error },
    );
  }
}

function httpError(
  status: number,
  headers: IncomingHttpHeaders,
  text: string,
  path: string,
  context: ErrorContext,
): ModelCallError {
  const message = context.redact(serverMessage(text));
  const kind = kindForStatus(status, message);
  const retryAfterMs =
    kind === "rate-limit" || kind === "server" ? retryAfterFromHeaders(headers) : undefined;
  return new ModelCallError(kind, `${context.label}: POST ${path} failed with HTTP ${status}: ${message}`, {
    status,
    retryAfterMs,
  });
}

export function kindForStatus(status: number, message: string): ModelErrorKind {
  if (status === 429) {
    // OpenAI answers 429 for an exhausted quota too; retrying that only burns time until billing changes.
    return /insufficient_quota|exceeded your current quota/i.test(message) ? "auth" : "rate-limit";
  }
  if (status === 401 || status === 403) return "auth";
  if (status === 408) return "timeout";
  if (status >= 500) return "server";
  // Ollama/vLLM answer 404 for a model that is not pulled/served: not our request's shape, the deployment's.
  if (status === 404 && /model/i.test(message) && /not found|does not exist|no such/i.test(message)) {
    return "model-unavailable";
  }
  return "bad-request";
}

function retryAfterFromHeaders(headers: IncomingHttpHeaders): number | undefined {
  // OpenAI sends a millisecond-precision variant next to the standard header; prefer it.
  const ms = Number(firstHeader(headers["retry-after-ms"]));
  if (Number.isFinite(ms) && ms >= 0 && headers["retry-after-ms"] !== undefined) return ms;
  return parseRetryAfter(firstHeader(headers["retry-after"]));
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Extracts the human message from the error shapes of OpenAI, vLLM, llama.cpp, Ollama and FastAPI. */
export function serverMessage(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return snippet(text.trim()) || "(empty body)";
  }
  const found = messageFrom(body);
  return found ? snippet(found) : snippet(text.trim());
}

function messageFrom(body: unknown): string | undefined {
  if (typeof body === "string") return body;
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (typeof error === "string") return error;
  if (typeof error === "object" && error !== null) {
    const inner = messageFrom(error);
    if (inner) return inner;
  }
  if (typeof record.message === "string") return record.message;
  if (typeof record.detail === "string") return record.detail;
  if (Array.isArray(record.detail)) {
    // FastAPI validation errors: [{loc: [...], msg: "..."}]
    return record.detail.map((item) => JSON.stringify(item)).join("; ");
  }
  return undefined;
}

function snippet(text: string, max = 1000): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more chars)`;
}

const TIMEOUT_CODES = new Set([
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "ETIMEDOUT",
]);
/** Errors raised before anything is sent because our request itself is invalid (e.g. a bad header value). */
const INVALID_REQUEST_CODES = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_NOT_SUPPORTED", "ERR_INVALID_CHAR"]);

export function classifyTransportError(error: unknown, path: string, context: ErrorContext): ModelCallError {
  const code = errorCode(error);
  const detail = context.redact(describe(error));
  const where = `${context.label}: POST ${path}`;
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new ModelCallError("timeout", `${where} timed out (limit ${context.timeoutMs} ms; ${detail})`, {
      cause: error,
    });
  }
  if (code !== undefined && INVALID_REQUEST_CODES.has(code)) {
    return new ModelCallError("bad-request", `${where}: invalid request (${detail})`, { cause: error });
  }
  if (code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH") {
    return new ModelCallError("malformed", `${where}: response body was cut short (${detail})`, {
      cause: error,
    });
  }
  if (code === "UND_ERR_CLOSED" || code === "UND_ERR_DESTROYED") {
    return new ModelCallError("connection", `${where}: the model was closed (${detail})`, { cause: error });
  }
  // ECONNRESET, ECONNREFUSED, "socket hang up", "other side closed" (UND_ERR_SOCKET), DNS failures, and
  // anything else the socket layer raises: transport failures, worth a retry. Keep the original text.
  return new ModelCallError("connection", `${where}: connection failed (${detail})`, { cause: error });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === "string") return record.code;
  // Node's happy-eyeballs connect raises an AggregateError; the first attempt's code is representative.
  if (Array.isArray(record.errors)) return errorCode(record.errors[0]);
  return record.cause === undefined ? undefined : errorCode(record.cause);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = errorCode(error);
  const message = error.message || error.name;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
