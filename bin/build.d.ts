/** Types of build.js, for the TypeScript that imports it (the bench). */
export function bundle(entry: string, outdir: string, name?: string): Promise<void>;
export function compiledEntry(): Promise<string>;
