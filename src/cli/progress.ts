/**
 * The ingest progress line: paragraphs done of the whole job, the rate over the last minute, time left, and
 * how many cables are already askable. Rate and time left come from a sliding window, so a run that slows
 * down (longer paragraphs late in the job) corrects its estimate instead of promising the early pace.
 */
import type { IngestProgress } from '../index/index.js';

const WINDOW_MS = 60_000;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d ${pad(Math.floor((s % 86400) / 3600))}h`;
}

export class ProgressMeter {
  private readonly samples: { t: number; done: number }[] = [];
  private readonly started: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.started = now();
  }

  /** One line for the state `p`, e.g. "6,712/14,970 paragraphs (45%) · 19.3 paragraphs/s · 7m 08s left · 812/1,295 cables askable". */
  line(p: IngestProgress): string {
    const t = this.now();
    this.samples.push({ t, done: p.paragraphsDone });
    while (this.samples.length > 2 && t - this.samples[0]!.t > WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const span = (t - first.t) / 1000;
    const rate = span >= 2 ? (p.paragraphsDone - first.done) / span : NaN;
    const left = p.paragraphsTotal - p.paragraphsDone;
    const eta = left <= 0 ? 0 : rate > 0 && (t - this.started) / 1000 >= 5 ? left / rate : NaN;
    const n = (x: number) => x.toLocaleString('en-US');
    const pct = p.paragraphsTotal > 0 ? Math.floor((100 * p.paragraphsDone) / p.paragraphsTotal) : 100;
    return [
      `${n(p.paragraphsDone)}/${n(p.paragraphsTotal)} paragraphs (${pct}%)`,
      Number.isFinite(rate) ? `${rate.toFixed(1)} paragraphs/s` : '– paragraphs/s',
      Number.isFinite(eta) ? `${formatDuration(eta)} left` : 'time left: estimating',
      `${n(p.cablesDone)}/${n(p.cablesTotal)} cables askable`,
    ].join(' · ');
  }
}
