import { stat } from 'node:fs/promises';
import path from 'node:path';
import { env, pipeline } from '@xenova/transformers';
import { type Embedder, LOCAL_MODEL_PREFIX, ModelError } from './embedder.js';

export interface TransformersEmbedderOptions {
  /** HF id like "Xenova/all-MiniLM-L6-v2", or an absolute/relative path to a local model folder. */
  model: string;
  /** Where downloaded files are cached / looked up for HF ids (transformers.js layout: <cacheDir>/<id>/<file>). */
  cacheDir?: string;
  /**
   * May files be fetched from the Hugging Face hub? Default false: the app runs on the user's machine and
   * should never touch the network by surprise. Callers decide (a model is fetched only when the user names one).
   */
  allowRemote?: boolean;
  onProgress?: (p: { file: string; loaded: number; total: number }) => void;
}

/** Files transformers.js 2.x reads for a feature-extraction BERT-style model (see models.js/tokenizers.js). */
const CONFIG_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
const QUANTIZED_ONNX = 'onnx/model_quantized.onnx';
const FLOAT_ONNX = 'onnx/model.onnx';
const NEEDED_FILES_TEXT = `${CONFIG_FILES.join(', ')} and ${QUANTIZED_ONNX} (or ${FLOAT_ONNX})`;

/** Bounds tokenizer + ONNX activations to batch × seq × hidden floats per run, whatever the caller passes. */
const BATCH_SIZE = 16;

/** Anything beyond this is either a "no limit" sentinel in tokenizer_config or quadratic-cost territory. */
const TOKEN_CAP = 512;

/**
 * Sequence lengths sentence-transformers really uses (sentence_bert_config.json max_seq_length), which
 * transformers.js does not read.
 *
 * all-MiniLM-L6-v2: its tokenizer_config says model_max_length 512 and the BERT config allows 512 positions,
 * so transformers.js would happily feed 512 tokens. But the model was fine-tuned on pairs of at most 128
 * word pieces and sentence-transformers truncates at 256, which is what every published quality number
 * for it measures. Past that, positions 256–511 are ones the sentence objective never trained, and mean
 * pooling dilutes the text we trained on with them. So we advertise 256 tokens (→ ~190 words) and make the
 * tokenizer truncate there too, matching the Python reference.
 */
const SENTENCE_TRANSFORMERS_MAX_TOKENS: Record<string, number> = {
  'all-minilm-l6-v2': 256,
  'all-minilm-l12-v2': 256,
  'all-mpnet-base-v2': 384,
};

/** Minimal view of the pieces of the transformers.js pipeline we touch; its shipped typings are loose. */
interface FeatureExtractor {
  (texts: string[], options: { pooling: 'mean'; normalize: boolean }): Promise<{ data: Float32Array; dims: number[] }>;
  model: { config?: { hidden_size?: unknown; max_position_embeddings?: unknown } };
  tokenizer: { model_max_length?: unknown };
  dispose(): Promise<void>;
}

type ModelSource =
  | { kind: 'folder'; folder: string; quantized: boolean }
  | { kind: 'hub'; id: string };

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * HF ids are "name" or "owner/name". Anything absolute, dotted, backslashed or deeper than one slash can
 * only be a path, so a missing folder there is reported as a missing folder rather than a failed download.
 */
function looksLikePath(model: string): boolean {
  return (
    path.isAbsolute(model) ||
    model.startsWith('.') ||
    model.startsWith('~') ||
    model.includes('\\') ||
    model.split('/').length > 2
  );
}

/**
 * Returns the files (relative to `dir`) that are missing, and whether the quantized ONNX is there.
 * Hub loads always request the quantized file, so only folders may fall back to the float one.
 */
async function inspectModelDir(dir: string, allowFloat: boolean): Promise<{ missing: string[]; quantized: boolean }> {
  const missing: string[] = [];
  for (const f of CONFIG_FILES) if (!(await isFile(path.join(dir, f)))) missing.push(f);
  const hasQuantized = await isFile(path.join(dir, QUANTIZED_ONNX));
  const hasFloat = hasQuantized || !allowFloat ? false : await isFile(path.join(dir, FLOAT_ONNX));
  if (!hasQuantized && !hasFloat) missing.push(QUANTIZED_ONNX);
  return { missing, quantized: hasQuantized };
}

async function resolveSource(model: string): Promise<ModelSource> {
  const abs = path.resolve(model);
  if (await isDir(abs)) {
    const { missing, quantized } = await inspectModelDir(abs, true);
    if (missing.length > 0) {
      throw new ModelError(
        `Model folder ${abs} is incomplete: missing ${missing.join(', ')}. ` +
          `A transformers.js model folder needs ${NEEDED_FILES_TEXT}.`,
      );
    }
    return { kind: 'folder', folder: abs, quantized };
  }
  if (await isFile(abs)) {
    throw new ModelError(`Model path ${abs} is a file; expected a folder holding ${NEEDED_FILES_TEXT}.`);
  }
  if (looksLikePath(model)) {
    throw new ModelError(`Model folder not found: ${abs}. It should hold ${NEEDED_FILES_TEXT}.`);
  }
  return { kind: 'hub', id: model };
}

/** Where transformers.js' FileCache puts (and finds) a hub model: <cacheDir>/<id>/<file> for revision "main". */
function cacheFolder(id: string, cacheDir: string): string {
  return path.join(path.resolve(cacheDir), ...id.split('/'));
}

/**
 * transformers.js configures itself through one global `env`, read on every file fetch during a load.
 * Two overlapping loads with different settings would read each other's paths, so loads are serialised
 * and `env` is restored afterwards (all files are read during the load; inference never consults env).
 */
let loadChain: Promise<unknown> = Promise.resolve();

function withEnv<T>(settings: Partial<Pick<typeof env, 'allowRemoteModels' | 'allowLocalModels' | 'localModelPath' | 'useFSCache'>>, fn: () => Promise<T>): Promise<T> {
  const run = async () => {
    const saved = {
      allowRemoteModels: env.allowRemoteModels,
      allowLocalModels: env.allowLocalModels,
      localModelPath: env.localModelPath,
      useFSCache: env.useFSCache,
    };
    Object.assign(env, settings);
    try {
      return await fn();
    } finally {
      Object.assign(env, saved);
    }
  };
  const result = loadChain.then(run, run);
  loadChain = result.catch(() => undefined);
  return result;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : undefined;
}

function modelKey(model: string): string {
  return path.basename(model.replace(/[\\/]+$/, '')).toLowerCase();
}

export async function loadTransformersEmbedder(opts: TransformersEmbedderOptions): Promise<Embedder> {
  const source = await resolveSource(opts.model);
  const allowRemote = opts.allowRemote ?? false;

  const cacheDir: string | undefined = opts.cacheDir ?? env.cacheDir ?? undefined;
  if (source.kind === 'hub' && !allowRemote && cacheDir) {
    const dir = cacheFolder(source.id, cacheDir);
    const { missing } = await inspectModelDir(dir, false);
    // transformers.js would also accept <localModelPath>/<id>; only complain when neither place has it.
    const inLocalModelPath =
      typeof env.localModelPath === 'string' &&
      (await inspectModelDir(path.join(env.localModelPath, ...source.id.split('/')), false)).missing.length === 0;
    if (missing.length > 0 && !inLocalModelPath) {
      throw new ModelError(
        `Model ${source.id} is not available offline: ${dir} is missing ${missing.join(', ')}. ` +
          `Download it once with remote access allowed, or copy ${CONFIG_FILES.join(', ')} and ${QUANTIZED_ONNX} there.`,
      );
    }
  }

  const progress_callback = opts.onProgress
    ? (p: { status?: string; file?: string; loaded?: number; total?: number }) => {
        if (p.status === 'progress' && p.file !== undefined) {
          opts.onProgress!({ file: p.file, loaded: p.loaded ?? 0, total: p.total ?? 0 });
        }
      }
    : undefined;

  const id = source.kind === 'folder' ? `${LOCAL_MODEL_PREFIX}${path.basename(source.folder)}` : source.id;
  const where = source.kind === 'folder' ? source.folder : `${source.id} (cache ${cacheDir ?? 'none'})`;

  let extractor: FeatureExtractor;
  try {
    extractor =
      source.kind === 'folder'
        ? await withEnv(
            {
              allowRemoteModels: false,
              allowLocalModels: true,
              localModelPath: path.dirname(source.folder) + path.sep,
              // The FS cache is consulted *before* localModelPath, keyed by the bare folder name: a cached
              // hub model that happens to share the basename would silently win over the folder asked for.
              useFSCache: false,
            },
            async () =>
              (await pipeline('feature-extraction', path.basename(source.folder), {
                quantized: source.quantized,
                progress_callback,
              })) as unknown as FeatureExtractor,
          )
        : await withEnv({ allowRemoteModels: allowRemote, allowLocalModels: true, useFSCache: true }, async () =>
            (await pipeline('feature-extraction', source.id, {
              quantized: true,
              progress_callback,
              ...(cacheDir ? { cache_dir: path.resolve(cacheDir) } : {}),
            })) as unknown as FeatureExtractor,
          );
  } catch (err) {
    let msg = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
    // Node's fetch says only "fetch failed"; the useful part (ENOTFOUND, ECONNREFUSED…) is in its cause.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
    if (cause) msg += ` (${cause})`;
    const hint =
      source.kind === 'hub'
        ? allowRemote
          ? ' Downloading from huggingface.co failed; check the connection or use a local model folder.'
          : ' Remote downloads are disabled (allowRemote: false).'
        : '';
    throw new ModelError(`Could not load embedding model from ${where}: ${msg}.${hint}`, { cause: err });
  }

  const config = extractor.model.config ?? {};
  const limits = [positiveInt(config.max_position_embeddings), positiveInt(extractor.tokenizer.model_max_length), TOKEN_CAP];
  const known = SENTENCE_TRANSFORMERS_MAX_TOKENS[modelKey(opts.model)];
  if (known !== undefined) limits.push(known);
  const maxTokens = Math.min(...limits.filter((n): n is number => n !== undefined));
  // Truncate where we advertise the limit, so the model never sees positions it was not meant to
  // (and never indexes past its position table when tokenizer_config carries a "no limit" sentinel).
  extractor.tokenizer.model_max_length = maxTokens;
  // Two tokens go to [CLS]/[SEP]; English prose runs ~1.3 word pieces per word, hence × 0.75.
  const maxWords = Math.max(1, Math.floor((maxTokens - 2) * 0.75));

  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const runBatches = async (texts: string[]): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH_SIZE) {
      if (closed) throw new Error(`Embedder ${id} was closed while embedding`);
      const batch = texts.slice(start, start + BATCH_SIZE);
      const tensor = await extractor(batch, { pooling: 'mean', normalize: true });
      const dim = tensor.dims[1] ?? 0;
      if (tensor.dims[0] !== batch.length || dim <= 0) {
        throw new Error(`Model ${id} returned shape [${tensor.dims.join(', ')}] for a batch of ${batch.length}`);
      }
      // slice() copies: a subarray view would pin the whole batch's buffer for every vector a caller keeps.
      for (let i = 0; i < batch.length; i++) out.push(tensor.data.slice(i * dim, (i + 1) * dim));
    }
    return out;
  };

  const embed = (texts: string[]): Promise<Float32Array[]> => {
    if (closed) return Promise.reject(new Error(`Embedder ${id} is closed`));
    if (texts.length === 0) return Promise.resolve([]);
    // One embed() at a time: concurrent calls would each hold a batch of activations at once.
    const result = queue.then(() => runBatches(texts));
    queue = result.catch(() => undefined);
    return result;
  };

  let dimensions = positiveInt(config.hidden_size);
  if (dimensions === undefined) {
    const probe = await embed(['dimension probe']);
    dimensions = probe[0]!.length;
  }

  return {
    id,
    ...(source.kind === 'folder' ? { source: source.folder } : {}),
    dimensions,
    maxWords,
    embed,
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await extractor.dispose();
    },
  };
}
