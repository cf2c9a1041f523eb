/**
 * Cancellation and progress for long analyses, shaped so the LSP's CancellationToken and a
 * plain object both fit: core does not import the protocol.
 */
export interface CancelToken {
  readonly isCancellationRequested: boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('The analysis was cancelled.');
    this.name = 'CancelledError';
  }
}

export interface WorkOptions {
  cancel?: CancelToken;
  /** Called with the fraction done (0..1) and a short message, at most a few times a second. */
  progress?: (fraction: number, message: string) => void;
}

/**
 * Lets a long synchronous-looking loop give the event loop a turn now and then, so a cancel
 * notification that arrives meanwhile is seen, and reports progress without flooding.
 */
export class Checkpoint {
  private lastYield = Date.now();
  private lastReport = 0;
  constructor(private readonly options: WorkOptions = {}) {}

  async tick(fraction: number, message: string): Promise<void> {
    const now = Date.now();
    if (now - this.lastYield < 20) return;
    this.lastYield = now;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.options.cancel?.isCancellationRequested) throw new CancelledError();
    if (this.options.progress && now - this.lastReport >= 200) {
      this.lastReport = now;
      this.options.progress(Math.min(1, Math.max(0, fraction)), message);
    }
  }

  check(): void {
    if (this.options.cancel?.isCancellationRequested) throw new CancelledError();
  }
}
