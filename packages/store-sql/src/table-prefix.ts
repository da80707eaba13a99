// Adds the table prefix (`billkit_` by default) to Billkit's table names in every query, so the
// query layer is written against the logical names and the host's own tables never collide.

import {
  IdentifierNode,
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type TableNode,
  type UnknownRow,
} from 'kysely';
import { TABLE_NAMES } from './schema.js';

/** The prefix used when none is given. */
export const DEFAULT_TABLE_PREFIX = 'billkit_';

const PREFIX_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,30}$/;

/** Checks a table prefix: letters, digits and underscores, short enough for every database's names. */
export function checkTablePrefix(prefix: string): string {
  if (prefix !== '' && !PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `The table prefix ${JSON.stringify(prefix)} is not allowed: use up to 31 letters, digits and underscores, not starting with a digit.`,
    );
  }
  return prefix;
}

class PrefixTransformer extends OperationNodeTransformer {
  readonly #prefix: string;
  readonly #names: ReadonlySet<string> = new Set(TABLE_NAMES);

  constructor(prefix: string) {
    super();
    this.#prefix = prefix;
  }

  protected override transformTable(node: TableNode): TableNode {
    const transformed = super.transformTable(node);
    const name = transformed.table.identifier.name;
    // Only Billkit's own tables: `excluded` (ON CONFLICT) and aliases pass through unchanged.
    if (!this.#names.has(name)) return transformed;
    return {
      ...transformed,
      table: { ...transformed.table, identifier: IdentifierNode.create(`${this.#prefix}${name}`) },
    };
  }
}

/** The Kysely plugin that writes `customers` as `billkit_customers`. */
export class TablePrefixPlugin implements KyselyPlugin {
  readonly #transformer: PrefixTransformer;

  constructor(prefix: string) {
    this.#transformer = new PrefixTransformer(prefix);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
