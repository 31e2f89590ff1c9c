import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/engine/backoff.js";
import { Budget, BudgetExhaustedError } from "../src/engine/budget.js";
import { OrderedSink } from "../src/engine/ordered-sink.js";
import { acquire, type Clock, TokenBucket } from "../src/engine/rate-limiter.js";
import { Rng } from "../src/engine/rng.js";
import { Semaphore } from "../src/engine/semaphore.js";
import { canonicalJson } from "../src/util/canonical.js";
import { redact, registerSecret } from "../src/util/secrets.js";

/** A clock that advances only when someone sleeps: rate-limit tests without waiting. */
function fakeClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

describe("TokenBucket", () => {
  it("holds a requests-per-minute limit over a long stretch", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(120, clock); // 2 per second, burst 2
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      await acquire([{ bucket, amount: 1 }], clock);
      times.push(clock.t);
    }
    // In any window of w ms at most burst + w * rate requests start.
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) {
        const w = (times[j] as number) - (times[i] as number);
        expect(j - i + 1).toBeLessThanOrEqual(2 + (w * 2) / 1000 + 1e-9);
      }
    }
    expect(times.at(-1)).toBeGreaterThanOrEqual(((200 - 2) / 2) * 1000 - 1);
  });

  it("lets a request bigger than the burst through and charges the excess to later callers", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(6000, clock); // 100 tokens/s, capacity 100
    await acquire([{ bucket, amount: 500 }], clock);
    expect(clock.t).toBe(0);
    await acquire([{ bucket, amount: 1 }], clock);
    expect(clock.t).toBeGreaterThanOrEqual(4000);
  });
});

describe("Rng", () => {
  it("is deterministic per seed and label, and forks are independent of draw order", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    const f1 = new Rng(42).fork("step");
    const parent = new Rng(42);
    parent.next();
    const f2 = parent.fork("step");
    expect(f1.int(1000)).toBe(f2.int(1000));
    expect(new Rng(1).next()).not.toBe(new Rng(2).next());
  });

  it("samples distinct items", () => {
    const rng = new Rng("x");
    const picked = rng.sample([1, 2, 3, 4, 5, 6, 7, 8], 6);
    expect(new Set(picked).size).toBe(6);
  });

  it("samples exactly as the first k steps of a Fisher-Yates shuffle of a copy", () => {
    const reference = <T>(rng: Rng, items: readonly T[], k: number): T[] => {
      const copy = items.slice();
      const count = Math.min(k, copy.length);
      for (let i = 0; i < count; i++) {
        const j = i + rng.int(copy.length - i);
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy.slice(0, count);
    };
    for (let t = 0; t < 500; t++) {
      const items = Array.from({ length: t % 29 }, (_, i) => `item${i}`);
      const a = new Rng(t);
      const b = new Rng(t);
      expect(b.sample(items, t % 9)).toEqual(reference(a, items, t % 9));
      expect(b.next()).toBe(a.next()); // the same number of draws
    }
    expect(new Rng(3).shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });
});

describe("OrderedSink", () => {
  it("writes in sequence order whatever the completion order, within its window", async () => {
    const written: number[] = [];
    const sink = new OrderedSink<number>((x) => written.push(x), 3);
    const seqs = [await sink.reserve(), await sink.reserve(), await sink.reserve()];
    let fourth = false;
    const next = sink.reserve().then((s) => {
      fourth = true;
      return s;
    });
    await Promise.resolve();
    expect(fourth).toBe(false); // window full
    sink.complete(seqs[2] as number, [30]);
    sink.complete(seqs[1] as number, [20, 21]);
    expect(written).toEqual([]);
    sink.complete(seqs[0] as number, []);
    expect(written).toEqual([20, 21, 30]);
    expect(await next).toBe(3);
  });
});

describe("Budget", () => {
  it("counts in-flight reservations against maxCalls and past spend against tokens", () => {
    const budget = new Budget({ maxCalls: 3 }, { calls: 1, inputTokens: 0, outputTokens: 0, cost: 0 });
    budget.reserve();
    budget.reserve();
    expect(() => budget.reserve()).toThrow(BudgetExhaustedError);
    budget.settle(undefined); // a failed call frees its reservation
    budget.reserve();
    const tokens = new Budget({ maxTokens: 10 }, { calls: 0, inputTokens: 6, outputTokens: 4, cost: 0 });
    expect(() => tokens.reserve()).toThrow(/maxTokens/);
    // Calls in flight count at the run's average so far (30 tokens a call here).
    const ahead = new Budget({ maxTokens: 100 }, { calls: 2, inputTokens: 40, outputTokens: 20, cost: 0 });
    ahead.reserve();
    ahead.reserve();
    expect(() => ahead.reserve()).toThrow(/maxTokens 60 of 100 \(about 60 more in calls in flight\)/);
  });
});

describe("small pieces", () => {
  it("canonical JSON sorts keys and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, { z: 1, y: 2 }] } })).toBe(
      '{"a":{"c":[2,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("backoff grows, is capped, and never undercuts Retry-After", () => {
    const policy = { retries: 5, baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(policy, 1)).toBeLessThanOrEqual(100);
    expect(backoffDelay(policy, 10)).toBeLessThanOrEqual(1000);
    expect(backoffDelay(policy, 1, 5000)).toBeGreaterThanOrEqual(5000);
  });

  it("semaphore hands slots over in FIFO order", async () => {
    const sem = new Semaphore(1);
    expect(sem.acquire()).toBeUndefined();
    const order: number[] = [];
    const w1 = sem.acquire()?.then(() => order.push(1));
    const w2 = sem.acquire()?.then(() => order.push(2));
    sem.release();
    sem.release();
    await Promise.all([w1, w2]);
    expect(order).toEqual([1, 2]);
  });

  it("redacts registered secrets", () => {
    registerSecret("sk-test-1234567890");
    expect(redact("key sk-test-1234567890 leaked")).toBe("key [REDACTED] leaked");
  });
});
