/**
 * The MAP-Elites archive of Rainbow Teaming: a grid with one cell per combination of descriptor values
 * (a cell is its list of value indices, one per axis), each cell holding at most one occupant, its elite.
 * A candidate offered to an empty cell takes it; in an occupied cell it replaces the incumbent only when
 * the judge said it wins, otherwise the incumbent stays. Pure data: the judging happens elsewhere.
 */

export interface Occupant {
  id: string;
  /** The judge's score of the occupant (for coverage figures and the heat map, not for replacement). */
  score: number;
}

export type OfferOutcome = "inserted" | "replaced-incumbent" | "lost";

/** What archive.json stores of the grid: its shape and every filled cell in cell order. */
export interface ArchiveData<E extends Occupant> {
  shape: number[];
  cells: Array<{ cell: number[]; occupant: E }>;
}

/** A heat-map cell: the occupant's score and id, or null when the cell is empty. */
export type GridCell = { score: number; id: string } | null;
/** Nested arrays, one level per axis (a vector for 1 axis, a matrix for 2, a cube for 3). */
export type GridData = GridCell | GridData[];

export function cellKey(cell: readonly number[]): string {
  return cell.join(",");
}

export class MapElitesArchive<E extends Occupant> {
  /** Occupants by flat (row-major) cell index. */
  private readonly cells = new Map<number, E>();

  constructor(readonly shape: readonly number[]) {
    if (shape.length === 0 || shape.some((n) => !Number.isInteger(n) || n < 1))
      throw new RangeError(`archive shape must be one positive size per axis, got [${shape.join(", ")}]`);
  }

  /** Number of cells in the grid. */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  get filled(): number {
    return this.cells.size;
  }

  /** Filled share of the grid, 0 to 1. */
  coverage(): number {
    return this.cells.size / this.size;
  }

  /** Mean score of the occupants; null while the archive is empty. */
  meanScore(): number | null {
    if (this.cells.size === 0) return null;
    let sum = 0;
    for (const e of this.cells.values()) sum += e.score;
    return sum / this.cells.size;
  }

  incumbent(cell: readonly number[]): E | undefined {
    return this.cells.get(this.flat(cell));
  }

  /**
   * Offers `candidate` for `cell`. An empty cell takes it ("inserted"). An occupied cell needs the judge's
   * verdict: the candidate replaces the incumbent only if `verdict.candidateWins` ("replaced-incumbent"),
   * else it is "lost" and the incumbent stays.
   */
  offer(cell: readonly number[], candidate: E, verdict?: { candidateWins: boolean }): OfferOutcome {
    const at = this.flat(cell);
    if (!this.cells.has(at)) {
      this.cells.set(at, candidate);
      return "inserted";
    }
    if (verdict === undefined)
      throw new Error(`cell [${cellKey(cell)}] is occupied: offering needs the judge's verdict`);
    if (!verdict.candidateWins) return "lost";
    this.cells.set(at, candidate);
    return "replaced-incumbent";
  }

  /** The filled cells and their occupants, in cell order (row-major): a stable order for sampling. */
  entries(): Array<{ cell: number[]; occupant: E }> {
    return [...this.cells.keys()]
      .sort((a, b) => a - b)
      .map((at) => ({ cell: this.unflat(at), occupant: this.cells.get(at) as E }));
  }

  /** Score and occupant id per cell, nested by axis, null for empty cells: the heat map's data. */
  grid(): GridData[] {
    const build = (axis: number, prefix: number[]): GridData[] =>
      Array.from({ length: this.shape[axis] as number }, (_, i) => {
        const cell = [...prefix, i];
        if (axis < this.shape.length - 1) return build(axis + 1, cell);
        const e = this.cells.get(this.flat(cell));
        return e ? { score: e.score, id: e.id } : null;
      });
    return build(0, []);
  }

  toJSON(): ArchiveData<E> {
    return { shape: [...this.shape], cells: this.entries() };
  }

  static fromJSON<E extends Occupant>(data: ArchiveData<E>): MapElitesArchive<E> {
    const archive = new MapElitesArchive<E>(data.shape);
    for (const { cell, occupant } of data.cells) {
      const at = archive.flat(cell);
      if (archive.cells.has(at)) throw new Error(`archive data fills cell [${cellKey(cell)}] twice`);
      archive.cells.set(at, occupant);
    }
    return archive;
  }

  private flat(cell: readonly number[]): number {
    if (cell.length !== this.shape.length)
      throw new RangeError(
        `cell [${cellKey(cell)}] has ${cell.length} indices, the grid ${this.shape.length} axes`,
      );
    let at = 0;
    cell.forEach((i, axis) => {
      const n = this.shape[axis] as number;
      if (!Number.isInteger(i) || i < 0 || i >= n)
        throw new RangeError(`cell [${cellKey(cell)}]: index ${i} outside axis ${axis} (size ${n})`);
      at = at * n + i;
    });
    return at;
  }

  private unflat(at: number): number[] {
    const cell = new Array<number>(this.shape.length);
    for (let axis = this.shape.length - 1; axis >= 0; axis--) {
      const n = this.shape[axis] as number;
      cell[axis] = at % n;
      at = Math.floor(at / n);
    }
    return cell;
  }
}
