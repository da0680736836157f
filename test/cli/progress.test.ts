import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressMeter } from '../../src/cli/progress.js';

describe('ingest progress line', () => {
  it('formats time left the way a person reads it, never "NFs" or "1m60s"', () => {
    expect(formatDuration(59.6)).toBe('1m 00s');
    expect(formatDuration(119.5)).toBe('2m 00s');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(3 * 3600 + 5 * 60 + 59)).toBe('3h 05m');
    expect(formatDuration(80 * 3600)).toBe('3d 08h');
    expect(formatDuration(Infinity)).toBe('—');
    expect(formatDuration(NaN)).toBe('—');
  });

  it('shows done/total paragraphs over the whole job, a rate from the recent past, and a sane time left', () => {
    let now = 0;
    const meter = new ProgressMeter(() => now);
    const at = (s: number, done: number, cablesDone = 0) => {
      now = s * 1000;
      return meter.line({ done: 0, total: 0, paragraphsDone: done, paragraphsTotal: 3_000_000, cablesDone, cablesTotal: 251_287 });
    };
    expect(at(0, 0)).toMatch(/^0\/3,000,000 paragraphs \(0%\) · – paragraphs\/s · time left: estimating · 0\/251,287 cables askable$/);
    // 20 paragraphs a second for two minutes, then 10 a second: the rate follows the last minute.
    for (let s = 1; s <= 120; s++) at(s, 20 * s);
    const fast = at(121, 20 * 121, 160);
    expect(fast).toMatch(/2,420\/3,000,000 paragraphs \(0%\) · 20\.0 paragraphs\/s · 41h 37m left · 160\/251,287 cables askable/);
    for (let s = 122; s <= 300; s++) at(s, 2420 + 10 * (s - 121));
    expect(at(301, 2420 + 1800)).toMatch(/10\.0 paragraphs\/s · 3d 11h left/);
    expect(at(302, 3_000_000, 251_287)).toMatch(/3,000,000\/3,000,000 paragraphs \(100%\) · .* · 0s left · 251,287\/251,287 cables askable/);
  });
});
