#!/usr/bin/env node
// billkit-stripe-sim: serves the simulator over HTTP for example hosts and manual testing.

import { createStripeSim } from './sim.js';

const port = Number(process.argv[2] ?? process.env.PORT ?? 12111);
const sim = createStripeSim();
const server = await sim.listen(port, process.env.HOST ?? '127.0.0.1');
process.stdout.write(
  `Stripe simulator listening on ${server.url}\n` +
    `Point the stripe client at it: new Stripe('sk_test_...', { host: '127.0.0.1', port: ${server.port}, protocol: 'http' })\n`,
);
const stop = () => {
  server.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
