/** Epoch ms ↔ Date at the store boundary; records carry ms, drizzle columns carry Date. */
export function toMs(d: Date | null | undefined): number | null {
  return d ? d.getTime() : null;
}

export function toDate(ms: number | null | undefined): Date | null {
  return ms === null || ms === undefined ? null : new Date(ms);
}
