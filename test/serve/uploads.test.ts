/** Cables added from the browser: stored, ingested in the background, progress told to every socket, askable. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildIndex, removeCables } from '../../src/index/index.js';
import { indexFacts } from '../support/index-check.js';
import { buildServer } from '../../src/serve/index.js';
import { MAX_UPLOAD_BYTES, UploadQueue, type UploadJob } from '../../src/serve/uploads.js';
import { HARBOUR, SHELTER, TOPICS } from '../support/tiny-archive.js';
import { cableText, tinyArchive, topicEmbedder } from '../support/topic-embedder.js';
import { connect } from './client.js';

const model = topicEmbedder(TOPICS);
let archive: Awaited<ReturnType<typeof tinyArchive>>;
let app: FastifyInstance;
let queue: UploadQueue;
let base: string;
beforeAll(async () => {
  archive = await tinyArchive([SHELTER], model);
  queue = new UploadQueue(async (files, onProgress) => {
    const r = await buildIndex(files, { indexDir: archive.dir, embedder: model, threads: 0, onProgress: (p) => onProgress(p.paragraphsDone, p.paragraphsTotal) });
    return { cables: r.cables, paragraphs: r.paragraphs, rejected: r.rejected };
  }, mkdtempSync(join(tmpdir(), 'cablechat-uploads-')), async (refs) => removeCables(archive.dir, refs, { id: model.id, dimensions: model.dimensions }));
  app = await buildServer({ chat: archive.chat, uploads: queue });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await archive?.dispose();
  rmSync(queue.dir, { recursive: true, force: true });
});

const upload = (name: string, body: Buffer | string) =>
  fetch(`${base}/api/uploads`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) }, body });

describe('uploads', () => {
  it('ingest a cable file in the background, telling every socket, and the cable becomes askable', async () => {
    const socket = await connect(base.replace('http', 'ws') + '/ws');
    const seen = () => socket.messages.filter((m: { type: string }) => m.type === 'upload').map((m: { job: UploadJob }) => m.job);
    const before = await archive.chat.ask({ question: 'Who funds new boats for the fishing fleet?' });
    expect(before.passages.map((p) => p.citation.ref)).not.toContain('10LAGOS2');
    const r = await upload('harbour cable.txt', cableText(HARBOUR));
    expect(r.status).toBe(202);
    const job = (await r.json()) as UploadJob;
    expect(job).toMatchObject({ file: 'harbour cable.txt', state: 'queued' });
    await queue.idle();
    await expect.poll(() => seen().at(-1)?.state).toBe('done');
    expect(seen().map((j: UploadJob) => j.state)).toEqual(expect.arrayContaining(['queued', 'running', 'done']));
    expect(seen().at(-1)!.message).toMatch(/^added 1 cable\(s\)/);
    const after = await archive.chat.ask({ question: 'Who funds new boats for the fishing fleet?' });
    expect(after.passages[0]!.citation.ref).toBe('10LAGOS2');
    expect(((await (await fetch(`${base}/api/uploads`)).json()) as { jobs: UploadJob[] }).jobs.at(-1)!.state).toBe('done');
    socket.ws.close();
  });

  it('take a cable out again, in turn with uploads, leaving the index whole', async () => {
    const r = await fetch(`${base}/api/cables/10LAGOS2`, { method: 'DELETE' });
    expect(r.status).toBe(202);
    await queue.idle();
    expect(queue.jobs.at(-1)).toMatchObject({ state: 'done', message: 'removed 10LAGOS2' });
    expect((await fetch(`${base}/api/cables/10LAGOS2`)).status).toBe(404);
    const a = await archive.chat.ask({ question: 'Who funds new boats for the fishing fleet?' });
    expect(a.passages.map((p) => p.citation.ref)).not.toContain('10LAGOS2');
    const facts = indexFacts(archive.dir, model.dimensions);
    expect(facts).toMatchObject({ cables: 1, segmentsWithoutVector: 0, segmentsNotInHnsw: 0, hnswFile: true });
    expect(facts.termCounts).not.toMatch(/\bboat=/);
    await fetch(`${base}/api/cables/10LAGOS2`, { method: 'DELETE' });
    await queue.idle();
    expect(queue.jobs.at(-1)).toMatchObject({ state: 'failed', message: 'no cable 10LAGOS2 in this index' });
  });

  it('say why a file is rejected, and keep what was indexed', async () => {
    const r = await upload('photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const job = (await r.json()) as UploadJob;
    await queue.idle();
    const done = queue.jobs.find((j) => j.id === job.id)!;
    expect(done.state).toBe('failed');
    expect(done.message).toMatch(/nothing added: .*PNG image/);
    expect((await archive.chat.ask({ question: 'When did the Poipet shelter open?' })).passages[0]!.citation.ref).toBe('09PHNOMPENH1');
  });

  it('refuse an empty file, a missing name and a file over the limit with the reason', async () => {
    expect((await upload('empty.txt', '')).status).toBe(400);
    const noName = await fetch(`${base}/api/uploads`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'x' });
    expect(((await noName.json()) as { error: string }).error).toMatch(/X-File-Name/);
    const big = await upload('big.csv', Buffer.alloc(MAX_UPLOAD_BYTES + 1, 0x41));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toMatch(/larger than the 50 MB limit for an upload/);
  });

  it('are off, with the reason, on a server started without them', async () => {
    const off = await buildServer({ chat: archive.chat });
    const r = await off.inject({ method: 'POST', url: '/api/uploads', headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'a.txt' }, payload: 'x' });
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toMatch(/--allow-uploads/);
    await off.close();
  });
});
