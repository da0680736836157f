/**
 * Tiny BERT-shaped model for tests. RANDOM WEIGHTS: it exists only so the transformers.js loading path
 * (config → tokenizer → ONNX session → mean pooling) can be exercised offline, without the Hugging Face
 * hub. Its vectors mean nothing; never use it to judge retrieval quality.
 *
 * The graph is per-token (no attention): token + position + token-type embeddings, one dense layer with
 * Tanh, plus a small term driven by attention_mask so every declared input is actually consumed. Being
 * per-token, a real token's output cannot depend on how much padding follows it, which is what makes
 * "batched == one at a time" an exact expectation; any difference must come from pooling/padding
 * handling outside the model.
 *
 * Weights come from a seeded PRNG, so two builds produce byte-identical files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const TINY_BERT_HIDDEN = 32;
export const TINY_BERT_MAX_POSITIONS = 128;

export interface TinyBertOptions {
  /** Folder name under `dir`; also what transformers.js is asked to load. Default "tiny-bert". */
  name?: string;
  /** max_position_embeddings and tokenizer model_max_length. Default 128. */
  maxPositions?: number;
  seed?: number;
}

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

// Enough real words that cable-like test sentences tokenise mostly into whole words, while single
// letters/digits and their ## continuations guarantee that any ASCII word still tokenises (as pieces)
// instead of collapsing into [UNK] — otherwise different unknown words would embed identically.
const WORDS = `
the of and to a in is was for on that with as by at from it be this are were has have had not but or
an will would can could should may said says he she they we i you his her their our its who which what
when where why how there here all any some more most other new first last one two three four five six
seven eight nine ten year years month months day days week time people man men woman women child
children family families group groups country countries city cities village villages region province
area areas north south east west central northern southern eastern western border borders crossing
police officer officers army military forces soldiers security guard guards troops commander general
government minister ministry president prime parliament party opposition leader leaders official
officials office embassy ambassador consulate consul diplomat diplomats diplomatic mission post cable
secret confidential unclassified classified state department washington foreign affairs interior
defense justice court courts judge law laws legal case cases prison prisons arrest arrested detained
migrants migrant migration immigration immigrants refugees refugee asylum camp camps visa visas
smuggling smugglers trafficking traffickers human rights abuse abuses violence attack attacks killed
death deaths bomb fighting war conflict peace talks agreement deal sanctions aid humanitarian relief
crisis emergency health hospital hospitals doctors food water school schools education students teachers
economy economic trade market oil gas energy bank money budget tax prices growth jobs workers labor
election elections vote votes voters campaign candidate democracy reform reforms protest protesters
protests demonstrators media press newspaper television report reports reported according source sources
contact contacts meeting meetings met visit visited told asked noted stated expressed concern concerns
support supported against between during after before about over under into through without within
also only very well still even much many several both each such same own high low large small major
good bad important possible likely political social public private national international local
united nations european union africa african asia europe america american latin mexico mexican
iraq afghanistan pakistan iran syria israel russia china india turkey egypt lebanon libya sudan
drug drugs cartel cartels corruption corrupt crime criminal gang gangs weapons nuclear terrorism
terrorist terrorists intelligence information plan plans program policy issue issues problem problems
need needs help provide provided continue continued increase increased number numbers percent million
`;

const PIECES = ['##s', '##es', '##ed', '##ing', '##ly', '##er', '##ers', '##ion', '##ions', '##al', '##ment', '##ness', '##ity', '##ist', '##ism', '##an', '##ans'];
const PUNCT = [...'.,;:!?\'"()-/&$%'];
const CHARS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];

export function tinyBertVocab(): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (t: string) => {
    if (t && !seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  };
  SPECIAL.forEach(add);
  PUNCT.forEach(add);
  CHARS.forEach(add);
  CHARS.forEach((c) => add(`##${c}`));
  PIECES.forEach(add);
  WORDS.split(/\s+/).forEach(add);
  return out;
}

/** mulberry32: tiny, seedable, good enough for test weights. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function floatTensor(name: string, dims: number[], rand: () => number, scale: number) {
  const n = dims.reduce((a, b) => a * b, 1);
  // Explicit little-endian: ONNX raw_data is little-endian regardless of host.
  const view = new DataView(new ArrayBuffer(n * 4));
  for (let i = 0; i < n; i++) view.setFloat32(i * 4, (rand() * 2 - 1) * scale, true);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(view.buffer) });
}

function int64Tensor(name: string, dims: number[], values: number[]) {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(view.buffer) });
}

function valueInfo(name: string, elemType: number, dims: (string | number)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
}

function node(opType: string, inputs: string[], outputs: string[], attribute: ReturnType<typeof onnx.AttributeProto.create>[] = []) {
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name: outputs[0], attribute });
}

export function buildTinyBertOnnx(vocabSize: number, hidden: number, maxPositions: number, seed: number): Uint8Array {
  const rand = prng(seed);
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const dyn = ['batch_size', 'sequence_length'];

  const initializer = [
    floatTensor('word_embeddings', [vocabSize, hidden], rand, 1),
    floatTensor('position_embeddings', [maxPositions, hidden], rand, 0.5),
    floatTensor('token_type_embeddings', [2, hidden], rand, 0.2),
    floatTensor('dense_weight', [hidden, hidden], rand, 1 / Math.sqrt(hidden)),
    floatTensor('dense_bias', [hidden], rand, 0.1),
    floatTensor('mask_bias', [hidden], rand, 0.1),
    int64Tensor('one_scalar', [], [1]),
    int64Tensor('zero_scalar', [], [0]),
    int64Tensor('last_axis', [1], [-1]),
  ];

  const nodes = [
    node('Gather', ['word_embeddings', 'input_ids'], ['tok_emb']),
    // Position ids = range(seq_len), derived from the input's shape so the sequence axis stays dynamic.
    node('Shape', ['input_ids'], ['ids_shape']),
    node('Gather', ['ids_shape', 'one_scalar'], ['seq_len']),
    node('Range', ['zero_scalar', 'seq_len', 'one_scalar'], ['position_ids']),
    node('Gather', ['position_embeddings', 'position_ids'], ['pos_emb']),
    node('Gather', ['token_type_embeddings', 'token_type_ids'], ['type_emb']),
    node('Add', ['tok_emb', 'pos_emb'], ['emb_a']),
    node('Add', ['emb_a', 'type_emb'], ['emb']),
    node('MatMul', ['emb', 'dense_weight'], ['dense']),
    node('Add', ['dense', 'dense_bias'], ['dense_b']),
    node('Cast', ['attention_mask'], ['mask_f'], [
      onnx.AttributeProto.create({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }),
    ]),
    node('Unsqueeze', ['mask_f', 'last_axis'], ['mask_3d']),
    node('Mul', ['mask_3d', 'mask_bias'], ['mask_term']),
    node('Add', ['dense_b', 'mask_term'], ['pre_act']),
    node('Tanh', ['pre_act'], ['last_hidden_state']),
  ];

  const graph = onnx.GraphProto.create({
    name: 'tiny_bert',
    node: nodes,
    initializer,
    input: [valueInfo('input_ids', INT64, dyn), valueInfo('attention_mask', INT64, dyn), valueInfo('token_type_ids', INT64, dyn)],
    output: [valueInfo('last_hidden_state', FLOAT, [...dyn, hidden])],
  });

  const model = onnx.ModelProto.create({
    irVersion: 8,
    // Opset 13: Unsqueeze takes axes as an input; onnxruntime-node 1.14 supports it.
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'cablechat-test-tiny-bert',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

function tokenizerJson(vocab: string[]) {
  const ids = new Map(vocab.map((t, i) => [t, i]));
  const id = (t: string) => ids.get(t)!;
  const special = (t: string, typeId: number) => ({ SpecialToken: { id: t, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((t) => ({
      id: id(t),
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]', 0)],
      pair: [special('[CLS]', 0), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]', 0), { Sequence: { id: 'B', type_id: 1 } }, special('[SEP]', 1)],
      special_tokens: Object.fromEntries(
        (['[CLS]', '[SEP]'] as const).map((t) => [t, { id: t, ids: [id(t)], tokens: [t] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}

/**
 * Writes `<dir>/<name>/{config.json, tokenizer.json, tokenizer_config.json, onnx/model_quantized.onnx}`
 * and returns the model folder. The "quantized" file is the same float model: transformers.js only
 * picks the file by name (quantized: true is its default), it never checks that weights are int8.
 */
export async function buildTinyBert(dir: string, opts: TinyBertOptions = {}): Promise<string> {
  const name = opts.name ?? 'tiny-bert';
  const maxPositions = opts.maxPositions ?? TINY_BERT_MAX_POSITIONS;
  const seed = opts.seed ?? 1234;
  const hidden = TINY_BERT_HIDDEN;
  const vocab = tinyBertVocab();
  const folder = path.resolve(dir, name);
  await mkdir(path.join(folder, 'onnx'), { recursive: true });

  const config = {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: hidden,
    intermediate_size: hidden,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    max_position_embeddings: maxPositions,
    vocab_size: vocab.length,
    type_vocab_size: 2,
    pad_token_id: 0,
    hidden_act: 'tanh',
    layer_norm_eps: 1e-12,
  };
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: maxPositions,
    clean_up_tokenization_spaces: true,
    strip_accents: null,
    tokenize_chinese_chars: true,
    // transformers.js reads these from tokenizer_config, not tokenizer.json; without pad_token the
    // pad id would be undefined and batched padding would produce garbage ids.
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
  };

  await Promise.all([
    writeFile(path.join(folder, 'config.json'), JSON.stringify(config, null, 2)),
    writeFile(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab))),
    writeFile(path.join(folder, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2)),
    writeFile(path.join(folder, 'onnx', 'model_quantized.onnx'), buildTinyBertOnnx(vocab.length, hidden, maxPositions, seed)),
  ]);
  return folder;
}
