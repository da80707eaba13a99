import { runStoreConformance } from '@billkit/core/testing';
import { afterAll } from 'vitest';
import { postgresStore } from './postgres.js';
import { postgresTestDatabase } from './test-databases.js';

const database = await postgresTestDatabase();
const pool = database.skip === undefined ? database.pool() : undefined;
afterAll(() => database.drop());

runStoreConformance(
  'postgres',
  async () => {
    await database.empty();
    return postgresStore({ pool: pool! });
  },
  { skip: database.skip },
);
