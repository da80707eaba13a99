import { runStoreConformance } from '@billkit/core/testing';
import { afterAll } from 'vitest';
import { mysqlStore } from './mysql.js';
import { mysqlTestDatabase } from './test-databases.js';

const database = await mysqlTestDatabase();
const pool = database.skip === undefined ? database.pool() : undefined;
afterAll(() => database.drop());

runStoreConformance(
  'mysql',
  async () => {
    await database.empty();
    return mysqlStore({ pool: pool! });
  },
  { skip: database.skip },
);
