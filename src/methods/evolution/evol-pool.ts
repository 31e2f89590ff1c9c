/**
 * Evol-Instruct's pool: the instructions a round evolves. Each member is the latest kept version of one
 * branch of an evolution tree: a seed (a root, depth 0), or an evolution that passed elimination.
 * Which operation a member gets in a round is a seeded draw, by round and member id.
 */
import type { Rng } from "../../engine/rng.js";
import type { SeedTask } from "../in-context/seed-tasks.js";
import type { EvolOperation } from "./operations.js";

export interface PoolMember {
  /** The id of this version: the seed's id for a root, else the id of the evolution that made it. */
  id: string;
  rootId: string;
  /** The text that is evolved (and was answered). */
  instruction: string;
  /** The answer to it: the evolution's response, or a seed's output (undefined for seeds without one). */
  response?: string;
  /** Kept evolutions between the root and this version. */
  depth: number;
  /** The round that made this version (0: a seed). */
  round: number;
  /** Ids from the root to this version, and the operations along the way. */
  lineage: string[];
  operations: string[];
}

/**
 * The seeds as roots. A seed's input goes with its instruction, after a blank line, as Alpaca's records
 * were joined for WizardLM: the input is part of what is asked, and an evolution may rewrite it. The first
 * instance is used (Self-Instruct seeds may have several); its output, if any, is the root's response.
 */
export function rootMembers(seeds: readonly SeedTask[]): PoolMember[] {
  return seeds.map((seed) => {
    const instance = seed.instances[0];
    const input = instance?.input ?? "";
    const member: PoolMember = {
      id: seed.id,
      rootId: seed.id,
      instruction: input !== "" ? `${seed.instruction}\n\n${input}` : seed.instruction,
      depth: 0,
      round: 0,
      lineage: [seed.id],
      operations: [],
    };
    if (instance?.output) member.response = instance.output;
    return member;
  });
}

export interface OperationChoice {
  depth: readonly EvolOperation[];
  breadth: readonly EvolOperation[];
  /** Probability of an in-breadth operation (when there are both kinds). */
  breadthShare: number;
}

export function operationChoice(operations: readonly EvolOperation[], breadthShare: number): OperationChoice {
  if (operations.length === 0) throw new Error("no evolution operations");
  if (!(breadthShare >= 0 && breadthShare <= 1))
    throw new RangeError(`breadthShare must be from 0 to 1, got ${breadthShare}`);
  return {
    depth: operations.filter((op) => op.kind === "depth"),
    breadth: operations.filter((op) => op.kind === "breadth"),
    breadthShare,
  };
}

/**
 * One member's operation in one round: in-breadth with probability `breadthShare`, else in-depth, then one
 * operation of that kind uniformly. A set with only one kind always uses it.
 */
export function chooseOperation(rng: Rng, choice: OperationChoice): EvolOperation {
  const { depth, breadth } = choice;
  const useBreadth = breadth.length > 0 && (depth.length === 0 || rng.next() < choice.breadthShare);
  return rng.pick(useBreadth ? breadth : depth);
}
