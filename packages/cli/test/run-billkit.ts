// Runs `billkit <args>` in a process of its own, as a host's deploy script or an operator would,
// with the environment given (DATABASE_URL and the Stripe settings unset unless given).

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function billkit(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@billkit/source', '--import', 'tsx', cli, ...args],
      {
        env: {
          ...process.env,
          DATABASE_URL: undefined,
          STRIPE_SECRET_KEY: undefined,
          STRIPE_API_BASE: undefined,
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
