export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

/** A mistake in how the command was called, reported with exit code 2. */
export class UsageError extends Error {}
