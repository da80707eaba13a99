// `pnpm start`: the example host on PORT (or a free port), until Ctrl-C.

import { startHost } from './host.js';

const host = await startHost({
  port: Number(process.env.PORT ?? 0),
  log: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(
  `Billkit example host at ${host.url} (${host.sim ? 'Stripe simulator' : 'Stripe test mode'}). Ctrl-C stops it.\n`,
);
const stop = async () => {
  await host.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
