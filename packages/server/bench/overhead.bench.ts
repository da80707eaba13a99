// What the HTTP layer costs per portal request: the same reads through `server.handler` (a
// Request in, routing, authentication, JSON out) and by calling the engine directly, on the memory
// store with a subscriber who has a year of invoices. The ratio is the server's overhead; the
// difference per request, in microseconds, is what a host pays for the route.
// Run: `pnpm bench` in packages/server.

import { Bench } from 'tinybench';
import { get, givenServer } from '../test/support/world.js';

const world = await givenServer();
await world.billing.customers.ensure({ userId: 'user_1', email: 'jo@example.com.au', name: 'Jo Citizen' });
await world.billing.subscriptions.start({ userId: 'user_1', plan: 'pro', paymentMethodId: 'pm_card_au' });
for (let month = 0; month < 12; month++) {
  await world.sim.clock.advance({ months: 1 });
  await world.sim.webhooks.flush();
}

const pairs = [
  {
    name: 'access',
    engine: () => world.billing.access.check('user_1'),
    http: async () => (await world.handler(get('/access'))).text(),
  },
  {
    name: 'invoices (first page)',
    engine: () => world.billing.invoices.list('user_1'),
    http: async () => (await world.handler(get('/invoices'))).text(),
  },
];

const bench = new Bench({ time: 2_000, warmupTime: 300 });
for (const pair of pairs) {
  bench.add(`${pair.name}: engine`, pair.engine).add(`${pair.name}: HTTP`, pair.http);
}
await bench.run();

const mean = (name: string) => {
  const result = bench.getTask(name)?.result;
  if (result?.state !== 'completed') throw new Error(`${name} did not complete: ${result?.state}`);
  return result.period;
};
console.log(`Server overhead per portal request (Node ${process.versions.node}, memory store)`);
console.table(
  pairs.map((pair) => {
    const engine = mean(`${pair.name}: engine`);
    const http = mean(`${pair.name}: HTTP`);
    return {
      request: pair.name,
      'engine req/s': Math.round(1000 / engine),
      'HTTP req/s': Math.round(1000 / http),
      'HTTP vs engine': `${(engine / http).toFixed(2)}×`,
      'overhead µs': Math.round((http - engine) * 1000),
    };
  }),
);
