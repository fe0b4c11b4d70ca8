/** Where the CLI writes; tests pass collectors. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

/** Bad arguments: the CLI prints the message and the usage and exits with code 2. */
export class UsageError extends Error {}
