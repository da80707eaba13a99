import { runStoreConformance } from '@billkit/core/testing';
import { sqliteStore } from './sqlite.js';

runStoreConformance('sqlite', () => sqliteStore({ filename: ':memory:' }));
