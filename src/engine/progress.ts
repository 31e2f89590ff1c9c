/**
 * Progress: a bar on a terminal (stderr), JSON lines when stderr is not a terminal (CI logs, pipes), or
 * nothing. Polled on a timer from counters, so the hot path only increments numbers.
 */
import cliProgress from "cli-progress";

export type ProgressMode = "auto" | "bar" | "json" | "none";

export interface ProgressSnapshot {
  done: number;
  total?: number;
  cached: number;
  calls: number;
  retries: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

export interface ProgressReporter {
  stop(): void;
}

export function startProgress(
  label: string,
  mode: ProgressMode,
  snapshot: () => ProgressSnapshot,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressReporter {
  const resolved = mode === "auto" ? (stream.isTTY ? "bar" : "json") : mode;
  if (resolved === "none") return { stop() {} };
  if (resolved === "json") return jsonProgress(label, snapshot, stream);
  return barProgress(label, snapshot, stream);
}

function jsonProgress(
  label: string,
  snapshot: () => ProgressSnapshot,
  stream: NodeJS.WriteStream,
): ProgressReporter {
  const started = performance.now();
  const emit = () => {
    const s = snapshot();
    const seconds = (performance.now() - started) / 1000;
    const line = { type: "progress", step: label, ...s, cost: round(s.cost), elapsedS: round(seconds) };
    stream.write(`${JSON.stringify(line)}\n`);
  };
  const timer = setInterval(emit, 2000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      emit();
    },
  };
}

function barProgress(
  label: string,
  snapshot: () => ProgressSnapshot,
  stream: NodeJS.WriteStream,
): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {value}/{total} | {percentage}% | ETA {eta_formatted} | cached {cached} | calls {calls} | retries {retries} | failed {failed} | tok {tokens} | cost {cost}`,
      hideCursor: true,
      etaBuffer: 200,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (s: ProgressSnapshot) => ({
    cached: s.cached,
    calls: s.calls,
    retries: s.retries,
    failed: s.failed,
    tokens: s.inputTokens + s.outputTokens,
    cost: round(s.cost),
  });
  const first = snapshot();
  bar.start(first.total ?? 0, first.done, payload(first));
  const timer = setInterval(() => {
    const s = snapshot();
    if (s.total !== undefined) bar.setTotal(s.total);
    bar.update(s.done, payload(s));
  }, 100);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const s = snapshot();
      bar.update(s.done, payload(s));
      bar.stop();
    },
  };
}

function round(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}
