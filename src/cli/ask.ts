/** npm run ask -- [--index DIR] [--model M] [--k N] [--json] "question" */
import { Command } from 'commander';
import { failUsage, parseArgs, wholeNumber } from './args.js';
import { ASK_LIMITS, openCablechat } from '../cablechat.js';
import { formatAnswer, jsonLine } from './format.js';

const program = new Command('ask')
  .description('Ask the indexed cables a question; prints the cited paragraphs, best first.')
  .argument('<question...>', 'the question (filters such as tag:KTIP or origin:"Phnom Penh" may be typed in it)')
  .option('--index <dir>', 'index folder', 'index')
  .option('--model <model>', 'embedding model (default: the one the index was built with)', 'auto')
  // A terminal may list more passages than a client of the server may ask for.
  .option('--k <n>', 'passages to show', wholeNumber('--k', 1, 50), ASK_LIMITS.defaultK)
  .option('--json', 'print the answer as one JSON object');

parseArgs(program);
const opts = program.opts<{ index: string; model: string; k: number; json?: boolean }>();
try {
  // One question: loading the model in this thread is quicker than starting a worker for it.
  const chat = await openCablechat({ indexDir: opts.index, model: opts.model, queryThreads: 0, log: (l) => process.stderr.write(`${l}\n`) });
  const answer = await chat.ask({ question: program.args.join(' '), k: opts.k });
  process.stdout.write(opts.json ? jsonLine(answer) : formatAnswer(answer, process.stdout.isTTY));
  await chat.close();
} catch (err) {
  failUsage(err, (l) => process.stderr.write(`${l}\n`), { indexDir: opts.index });
}
