/**
 * Collects the calls made while the current tick's promise continuations run (`tick`), or during the
 * current turn of the event loop (`turn`: requests read from many sockets) and sends them as one
 * command (a script over many keys) once they are done: under load, many partitions or lookups
 * finish together, and one round trip for all of them saves Redis and the client a command each.
 * Each caller still gets its own answer, or the batch's error. (ioredis sends its auto-pipelined
 * commands at the end of a turn anyway, so `turn` costs little extra wait.)
 */
export class TickBatch<I, O> {
  private pending: Array<{ input: I; resolve(output: O): void; reject(error: unknown): void }> = [];

  /** `run` answers the inputs in order, one output each. */
  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly until: 'tick' | 'turn' = 'tick',
  ) {}

  add(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ input, resolve, reject }) !== 1) return;
      if (this.until === 'tick') process.nextTick(this.flush);
      else setImmediate(this.flush);
    });
  }

  private readonly flush = (): void => {
    const batch = this.pending;
    this.pending = [];
    this.run(batch.map((b) => b.input)).then(
      (outputs) => {
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(outputs[i]!);
      },
      (error: unknown) => {
        for (const b of batch) b.reject(error);
      },
    );
  };
}
