// Pull answers in the asynchronous model (phaseRecurrence.ts). A replica's f requests go to f
// distinct peers, are read some steps after its tick (a peer answers with the update if it held
// it then), and each answer lands some steps after the read and survives with probability s.
// Per tick we accumulate the holder share its reads found, weighted by when their answers land:
// reads spread over several steps see different holder counts.
//
// Cost per step: (request spread × answer spread) additions, and O(f) per tick with answers due.

/** x mod n in [0, n), for the negative steps of ticks before the issue. */
function mod(x: number, n: number): number {
  return ((x % n) + n) % n;
}

function nonZero(weights: Float64Array): [Int32Array, Float64Array] {
  const at = [...weights.keys()].filter((k) => weights[k]! > 0);
  return [Int32Array.from(at), Float64Array.from(at, (k) => weights[k]!)];
}

/** Above this table size (peers · (f+1)², the work to fill it), draws count as with replacement. */
const MAX_TABLE_WORK = 300_000;

/**
 * f distinct peers among M, H of them holders: the number X of holders drawn is hypergeometric.
 * Tabulated per whole H (P(X = x)), linear in between; small clusters with a large fanout need
 * it (N = 16, f = 4: the binomial makes the last pulls twice as likely to fail).
 */
export class PeerDraws {
  private readonly table: Float64Array | null;

  constructor(
    private readonly peers: number,
    private readonly fanout: number,
  ) {
    // Many peers per fanout: drawing without replacement is as good as with it.
    this.table = peers * (fanout + 1) ** 2 <= MAX_TABLE_WORK ? PeerDraws.tabulate(peers, fanout) : null;
  }

  private static tabulate(peers: number, fanout: number): Float64Array {
    const table = new Float64Array((peers + 1) * (fanout + 1));
    const p = new Float64Array(fanout + 1);
    for (let h = 0; h <= peers; h++) {
      p.fill(0);
      p[0] = 1;
      for (let i = 0; i < fanout; i++) {
        // Draw i + 1: a holder with probability (h − x) / (peers − i) after x holders in i draws.
        for (let x = i; x >= 0; x--) {
          const holder = (h - x) / (peers - i);
          p[x + 1]! += p[x]! * holder;
          p[x]! *= 1 - holder;
        }
      }
      table.set(p, h * (fanout + 1));
    }
    return table;
  }

  /** E[z^X] for a holder share `share` of the peers. */
  pgf(share: number, z: number): number {
    const { peers, fanout, table } = this;
    if (fanout === 1) return 1 - share + share * z;
    if (table === null) return Math.pow(1 - share + share * z, fanout);
    const h = Math.min(peers, share * peers);
    const low = Math.min(peers - 1, Math.floor(h));
    const theta = h - low;
    // Both neighbouring rows by Horner, weighted by the distance to each.
    const row = low * (fanout + 1);
    let below = 0;
    let above = 0;
    for (let x = fanout; x >= 0; x--) {
      below = below * z + table[row + x]!;
      above = above * z + table[row + fanout + 1 + x]!;
    }
    return (1 - theta) * below + theta * above;
  }
}

export class PullAnswers {
  /** Steps a tick's answers can still land in: request spread + answer spread. */
  private readonly span: number;
  /** Per live tick (slot m % span), per step offset from the tick: landed holder share added. */
  private readonly added: Float64Array;
  /** Per live tick: landed holder share through the previous offset; P(no update yet) applied. */
  private readonly through: Float64Array;
  private readonly missApplied: Float64Array;
  /** P(an answer has landed) by step offset from its tick, whatever its read found. */
  private readonly landedBy: Float64Array;
  /** The kernels' steps with any weight, and those weights (a latency leaves the first steps empty). */
  private readonly requestAt: Int32Array;
  private readonly requestWeight: Float64Array;
  private readonly answerAt: Int32Array;
  private readonly answerWeight: Float64Array;

  constructor(
    /** Weights of the step at which a request is read, by steps after its tick. */
    request: Float64Array,
    /** Weights of the step at which an answer lands, by steps after the read. */
    answer: Float64Array,
    private readonly n: number,
    /** The requester's f distinct peers (shared by every run of a config). */
    private readonly draws: PeerDraws,
    /** A request to a holder brings the update back (both messages survive). */
    private readonly success: number,
    private readonly bins: number,
  ) {
    this.span = request.length + answer.length;
    this.added = new Float64Array(this.span * this.span);
    this.through = new Float64Array(this.span);
    this.missApplied = new Float64Array(this.span).fill(1);
    [this.requestAt, this.requestWeight] = nonZero(request);
    [this.answerAt, this.answerWeight] = nonZero(answer);
    this.landedBy = new Float64Array(this.span);
    request.forEach((w, k) => answer.forEach((v, j) => (this.landedBy[k + j]! += w * v)));
    for (let k = 1; k < this.span; k++) this.landedBy[k]! += this.landedBy[k - 1]!;
  }

  /** Can an answer land in the step its request is read (an answer hop under one step)? */
  get landsWithinStep(): boolean {
    return this.answerAt[0] === 0;
  }

  /** Step t begins: the tick of step t takes the slot of the tick `span` steps older, long landed. */
  begin(t: number): void {
    const slot = t % this.span;
    this.added.fill(0, slot * this.span, (slot + 1) * this.span);
    this.through[slot] = 0;
    this.missApplied[slot] = 1;
  }

  /** Requests read at step t, when the others of a requester hold `holders` updates in expectation. */
  read(t: number, holders: number): void {
    const share = holders / (this.n - 1);
    const { requestAt, requestWeight, answerAt, answerWeight, span, added } = this;
    // Ticks before the issue (t − k < 0) count too: their requests are read after it.
    for (let r = 0; r < requestAt.length; r++) {
      const k = requestAt[r]!;
      const w = requestWeight[r]! * share;
      const row = mod(t - k, span) * span + k; // the tick of step t − k, from offset k on
      for (let a = 0; a < answerAt.length; a++) added[row + answerAt[a]!]! += w * answerWeight[a]!;
    }
  }

  /**
   * Applies what landed by step t and is not applied yet: `scaleBin(b, factor)` multiplies the
   * probability that a replica of phase bin b lacks the update. Called before step t's tick
   * (answers read earlier) and, if answers can land within a step, after its reads; `end` marks
   * the last call of the step.
   */
  land(t: number, scaleBin: (bin: number, factor: number) => void, end: boolean): void {
    const { span, through, added, landedBy, missApplied, draws, success } = this;
    const first = mod(t, span);
    // Nothing lands sooner than the shortest request and answer after a tick.
    for (let k = this.requestAt[0]! + this.answerAt[0]!; k < span; k++) {
      const slot = k <= first ? first - k : first - k + span; // the tick of step t − k
      const found = through[slot]! + added[slot * span + k]!;
      if (end) through[slot] = found;
      if (found === 0) continue;
      // Of the answers landed so far a share found/landed came from holders: each of the X holders
      // drawn has answered with probability s·landed, so P(nothing yet) = E[(1 − s·landed)^X].
      const landed = landedBy[k]!;
      const miss = draws.pgf(found / landed, 1 - success * landed);
      const before = missApplied[slot]!;
      if (miss !== before) {
        if (before > 0) scaleBin(mod(t - k, this.bins), miss / before);
        missApplied[slot] = miss;
      }
    }
  }
}
