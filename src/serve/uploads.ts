/**
 * Adding cables from the browser: POST /api/uploads takes one file (txt, HTML or CSV, as `npm run ingest` reads
 * them), keeps it in the index folder's `uploads/`, and ingests it in the background, one upload at a time.
 * Every chat socket is told how each upload is going (`{"type":"upload", …}` messages, docs/protocol.md); the
 * cables are askable as soon as their commit lands. DELETE /api/cables/:ref takes one out, in turn with uploads. Off unless the server listens on loopback only or was
 * started with --allow-uploads: anyone who can reach the server could otherwise write into the index.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { UploadJob } from '../domain.js';

export type { UploadJob } from '../domain.js';

/** Larger than any one cable file (5 MB) so a release CSV of a few thousand cables fits; larger archives: npm run ingest. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export interface UploadReport {
  cables: number;
  paragraphs: number;
  rejected: { file: string; reason: string }[];
}

/** What runs an upload: the server's start wires it to buildIndex on its own index and model. */
export type IngestFiles = (files: string[], onProgress: (done: number, total: number) => void) => Promise<UploadReport>;
/** What takes cables out: removeCables on the served index. Returns the ids that were there. */
export type RemoveCables = (refs: string[]) => Promise<string[]>;


/** Uploads in order, one ingest at a time; `change` is emitted with a job whenever it moves. */
export class UploadQueue extends EventEmitter {
  readonly jobs: UploadJob[] = [];
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly ingest: IngestFiles,
    readonly dir: string,
    private readonly removeFn?: RemoveCables,
  ) {
    super();
  }

  /** Takes a cable out of the index, in turn with uploads (one writer at a time). */
  remove(ref: string): UploadJob {
    const job: UploadJob = { id: `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, file: `remove ${ref}`, state: 'queued', done: 0, total: 1 };
    this.jobs.push(job);
    this.emit('change', job);
    this.running = this.running.then(async () => {
      job.state = 'running';
      this.emit('change', job);
      try {
        if (!this.removeFn) throw new Error('this server cannot remove cables');
        const gone = await this.removeFn([ref]);
        job.state = gone.length ? 'done' : 'failed';
        job.message = gone.length ? `removed ${gone.join(', ')}` : `no cable ${ref} in this index`;
        job.done = 1;
      } catch (err) {
        job.state = 'failed';
        job.message = err instanceof Error ? err.message : String(err);
      }
      this.emit('change', job);
    });
    return job;
  }

  add(name: string, bytes: Buffer): UploadJob {
    mkdirSync(this.dir, { recursive: true });
    const id = `u${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    // Only the last part of the name, with anything unusual replaced: the name is the user's, the folder ours.
    const safe = basename(name).replace(/[^\w.-]+/g, '_').replace(/^\.+/, '') || 'upload';
    const path = join(this.dir, `${id}-${safe}`);
    writeFileSync(path, bytes);
    const job: UploadJob = { id, file: name, state: 'queued', done: 0, total: 0 };
    this.jobs.push(job);
    if (this.jobs.length > 50) this.jobs.shift();
    this.emit('change', job);
    this.running = this.running.then(() => this.run(job, path));
    return job;
  }

  /** Resolves when every upload so far has finished. */
  idle(): Promise<void> {
    return this.running;
  }

  private async run(job: UploadJob, path: string): Promise<void> {
    job.state = 'running';
    this.emit('change', job);
    try {
      const r = await this.ingest([path], (done, total) => {
        job.done = done;
        job.total = total;
        this.emit('change', job);
      });
      job.state = r.cables > 0 || r.rejected.length === 0 ? 'done' : 'failed';
      job.cables = r.cables;
      job.done = job.total;
      const rejected = r.rejected.map((x) => x.reason).join('; ');
      job.message = r.cables > 0 ? `added ${r.cables} cable(s), ${r.paragraphs} paragraphs${rejected ? `; rejected: ${rejected}` : ''}` : rejected ? `nothing added: ${rejected}` : 'nothing new: these cables were already indexed';
    } catch (err) {
      job.state = 'failed';
      job.message = err instanceof Error ? err.message : String(err);
    }
    this.emit('change', job);
  }
}

export interface UploadOptions {
  /** Null: uploads are off on this server (and say how to turn them on). */
  queue: UploadQueue | null;
}

export const uploads: FastifyPluginAsync<UploadOptions> = async (app, { queue }) => {
  // The file comes as the raw body; its name in a header (URL-encoded).
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body));
  app.get('/api/uploads', async () => ({ enabled: queue !== null, maxBytes: MAX_UPLOAD_BYTES, jobs: queue?.jobs ?? [] }));
  app.delete<{ Params: { ref: string } }>(
    '/api/cables/:ref',
    { schema: { params: { type: 'object', properties: { ref: { type: 'string', pattern: '^[A-Za-z0-9-]+$', maxLength: 1000 } }, required: ['ref'] } } },
    async (req, reply) => {
      if (!queue) return reply.code(403).send({ error: 'Removing cables is off on this server, as uploads are: start it with --allow-uploads, or rebuild the index without the cable.' });
      return reply.code(202).send(queue.remove(req.params.ref));
    },
  );

  app.post('/api/uploads', { bodyLimit: MAX_UPLOAD_BYTES }, async (req, reply) => {
    if (!queue) return reply.code(403).send({ error: 'Uploads are off on this server: it listens beyond this machine. Start it with --allow-uploads to allow them, or add cables with npm run ingest.' });
    const raw = req.headers['x-file-name'];
    const name = typeof raw === 'string' ? safeDecode(raw) : '';
    if (!name) return reply.code(400).send({ error: 'Send the file name in the X-File-Name header (URL-encoded).' });
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) return reply.code(400).send({ error: `${name} is empty: nothing to add.` });
    return reply.code(202).send(queue.add(name, req.body));
  });
};

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
