// `billkit <command>`: finds the command (one word, or two: `catalog sync`), answers `--help`, and
// turns every failure into one clear line and an exit code: 2 for bad arguments or settings, 1
// when the work failed.

import { UsageError } from './args.js';
import { COMMANDS, type Io } from './commands.js';

export { COMMANDS, type Io };

const ENVIRONMENT = `Settings:
  DATABASE_URL         postgres://..., mysql://..., sqlite:billing.db (a bare path works too)
  STRIPE_SECRET_KEY    sk_live_... or sk_test_...; --sim uses the Stripe simulator instead
  STRIPE_API_BASE      where Stripe is (with --sim: ${'http://127.0.0.1:12111'}, billkit-stripe-sim)
  --config <file>      createBilling's options but stripe and store (default ./billkit.config.mjs):
                       at least { catalog }; notifications flush uses its notifier, usage its priceBook
`;

export function usage(): string {
  return `Usage: billkit <command> [options]

${Object.values(COMMANDS)
  .map((command) => `  ${command.usage}`)
  .join('\n\n')}

${ENVIRONMENT}`;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const [first, second, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? io.err : io.out)(usage());
    return first === undefined ? 2 : 0;
  }
  const twoWords = second !== undefined && `${first} ${second}` in COMMANDS;
  const name = twoWords ? `${first} ${second}` : first;
  const command = COMMANDS[name];
  const args = twoWords ? rest : [second, ...rest].filter((arg): arg is string => arg !== undefined);
  if (!command) {
    io.err(`billkit: unknown command ${JSON.stringify(argv.slice(0, 2).join(' '))}. Run billkit --help.\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`Usage: ${command.usage}\n\n${ENVIRONMENT}`);
    return 0;
  }
  try {
    return await command.run(args, env, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(`billkit ${name}: ${message.split('\n')[0]}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
