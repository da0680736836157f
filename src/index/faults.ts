/**
 * Crash points for the fault tests (test/index/crash.test.ts): with CABLECHAT_CRASH_AT=<point>[:<n>] the
 * process kills itself with SIGKILL the n-th time (default: first) it reaches that point, the way power loss
 * or the OOM killer would, so the tests can prove what survives at exactly the moments that matter. Unset in
 * normal use, where each call is one comparison.
 */
const wanted = process.env.CABLECHAT_CRASH_AT;
const [point, nth] = wanted ? [wanted.split(':')[0], Number(wanted.split(':')[1] ?? 1)] : [undefined, 0];
let seen = 0;

export type CrashPoint = 'parse' | 'embed' | 'commit' | 'hnsw-write' | 'hnsw-renamed' | 'committed';

export function crashPoint(name: CrashPoint): void {
  if (name !== point) return;
  if (++seen < nth) return;
  process.kill(process.pid, 'SIGKILL');
}
