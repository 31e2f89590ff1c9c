/**
 * `selfalign serve`: the report page over HTTP on localhost, re-reading the run while it goes on. The
 * page polls /data.json; the data is collected again only when a file of the run changed (sizes and
 * modification times), and an ETag lets an unchanged poll cost a 304.
 */
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type CollectOptions, collectReport } from "./collect.js";
import { discoverRun } from "./discover.js";
import { contentSecurityPolicy, renderReportHtml } from "./render-html.js";
import type { ReportData } from "./types.js";

export interface ServeOptions extends CollectOptions {
  port?: number;
  host?: string;
}

export interface ReportServer {
  url: string;
  close(): Promise<void>;
}

const LOCAL_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

export async function serveReport(runPath: string, options: ServeOptions = {}): Promise<ReportServer> {
  const host = options.host ?? "127.0.0.1";
  // Fails now, before listening, if there is no run at the path.
  discoverRun(runPath);
  let cached: { signature: string; data: ReportData } | undefined;
  let inFlight: Promise<{ signature: string; data: ReportData }> | undefined;

  const current = () => {
    inFlight ??= (async () => {
      const signature = fingerprint(runPath);
      if (cached?.signature !== signature) {
        cached = { signature, data: await collectReport(runPath, { ...options, live: true }) };
      }
      return cached;
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const server = createServer((req, res) => {
    handle(req, res, current, host).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(`error: ${(error as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  current: () => Promise<{ signature: string; data: ReportData }>,
  host: string,
): Promise<void> {
  // A page on another site could point its own DNS name at 127.0.0.1 and read the run (DNS
  // rebinding); such a request carries that name as its Host, so only our own names are answered.
  const hostName = (req.headers.host ?? "").replace(/:\d+$/, "");
  if (!LOCAL_NAMES.has(hostName) && hostName !== host && hostName !== `[${host}]`) {
    res.writeHead(421, { "Content-Type": "text/plain; charset=utf-8" }).end("unknown host\n");
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { Allow: "GET, HEAD" }).end();
    return;
  }
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const common = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  };
  if (path === "/" || path === "/index.html") {
    const { data } = await current();
    res.writeHead(200, {
      ...common,
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": contentSecurityPolicy(),
    });
    res.end(req.method === "HEAD" ? undefined : renderReportHtml(data));
    return;
  }
  if (path === "/data.json") {
    const { signature, data } = await current();
    const etag = `"${createHash("sha256").update(signature).digest("hex").slice(0, 32)}"`;
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { ...common, ETag: etag }).end();
      return;
    }
    res.writeHead(200, { ...common, "Content-Type": "application/json; charset=utf-8", ETag: etag });
    res.end(req.method === "HEAD" ? undefined : JSON.stringify(data));
    return;
  }
  res.writeHead(404, { ...common, "Content-Type": "text/plain; charset=utf-8" }).end("not found\n");
}

/** Sizes and modification times of every file the report reads (one directory level per step). */
function fingerprint(runPath: string): string {
  const parts: string[] = [];
  const add = (path: string) => {
    try {
      const s = statSync(path);
      parts.push(`${path}:${s.size}:${s.mtimeMs}`);
    } catch {
      parts.push(`${path}:-`);
    }
  };
  add(join(runPath, "pipeline.json"));
  for (const step of discoverRun(runPath).steps) {
    for (const dir of [step.dir, ...step.runDirs]) {
      let names: string[] = [];
      try {
        names = readdirSync(dir).sort();
      } catch {
        // not there yet
      }
      for (const name of names)
        if (/\.(jsonl|json|sqlite|sqlite-wal)$|^lock$/.test(name)) add(join(dir, name));
    }
  }
  return parts.join("\n");
}
