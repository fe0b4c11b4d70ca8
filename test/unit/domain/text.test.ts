import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS, normalizeText, TRUNCATION_MARK } from '../../../src/domain/text.js';

/** Encodes as UTF-8 and back: equal exactly when the string has no lone surrogate. */
const roundTrips = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('normalizeText', () => {
  it('drops NUL and replaces lone surrogates, keeping pairs and other text', () => {
    expect(normalizeText('a\u0000b')).toBe('ab');
    expect(normalizeText('x\ud83dy')).toBe('x\uFFFDy');
    expect(normalizeText('x\ude00y')).toBe('x\uFFFDy');
    expect(normalizeText('\ude00\ud83d')).toBe('\uFFFD\uFFFD');
    expect(normalizeText('ok 😀 é\tz')).toBe('ok 😀 é\tz');
  });

  it('cuts text over the limit with a mark, never inside a surrogate pair', () => {
    const long = 'a'.repeat(MAX_MESSAGE_CHARS + 10);
    const cut = normalizeText(long);
    expect(cut.length).toBe(MAX_MESSAGE_CHARS);
    expect(cut.endsWith(TRUNCATION_MARK)).toBe(true);
    const emoji = `${'a'.repeat(20 - TRUNCATION_MARK.length - 1)}😀😀😀`;
    const short = normalizeText(emoji, 20);
    expect(roundTrips(short)).toBe(true);
    expect(short.length).toBeLessThanOrEqual(20);
  });

  it('always yields text PostgreSQL and UTF-8 accept', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.integer({ min: 20, max: 300 }),
        (s, max) => {
          const out = normalizeText(s, max);
          expect(out.includes('\u0000')).toBe(false);
          expect(roundTrips(out)).toBe(true);
          expect(out.length).toBeLessThanOrEqual(Math.max(max, s.length <= max ? s.length : max));
        },
      ),
    );
  });
});
