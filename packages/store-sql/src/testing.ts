// `@billkit/store-sql/testing`: a database of its own for each test run on the real servers (a
// schema on PostgreSQL, a database on MySQL), for Billkit's packages and hosts' own tests. Each
// says `skip` (with the reason) when its server is not there.

export {
  MYSQL_URL,
  mysqlTestDatabase,
  POSTGRES_URL,
  postgresTestDatabase,
  type TestDatabase,
} from './dialects/test-databases.js';
