/**
 * The run's event log: `events.jsonl` in the run directory, one JSON object per line, appended with a
 * single write per event. It holds what a user needs to audit a run (sessions, retries, failures, budget
 * stops, interrupts, summaries); per-call details live in the cache table instead, to keep this cheap.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { redact } from "../util/secrets.js";

export type RunEvent = { type: string } & Record<string, unknown>;

export class EventLog {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }

  emit(event: RunEvent): void {
    const stamped = { time: new Date().toISOString(), ...event };
    if (this.fd !== undefined) writeSync(this.fd, `${redact(JSON.stringify(stamped))}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
