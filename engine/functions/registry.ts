import type { AggregateFunction, GeneratorFunction, ScalarFunction } from './function.js';

export type FunctionEntry =
  | { readonly kind: 'scalar'; readonly fn: ScalarFunction }
  | { readonly kind: 'generator'; readonly fn: GeneratorFunction }
  | { readonly kind: 'aggregate'; readonly fn: AggregateFunction };

/** Functions looked up by (case-insensitive) name; open for registration. */
export class FunctionRegistry {
  private readonly entries = new Map<string, FunctionEntry>();

  registerScalar(fn: ScalarFunction): this {
    return this.add({ kind: 'scalar', fn }, fn.name, fn.aliases);
  }

  registerGenerator(fn: GeneratorFunction): this {
    return this.add({ kind: 'generator', fn }, fn.name, fn.aliases);
  }

  registerAggregate(fn: AggregateFunction): this {
    return this.add({ kind: 'aggregate', fn }, fn.name, fn.aliases);
  }

  lookup(name: string): FunctionEntry | undefined {
    return this.entries.get(name.toLowerCase());
  }

  scalar(name: string): ScalarFunction | undefined {
    const e = this.lookup(name);
    return e?.kind === 'scalar' ? e.fn : undefined;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  private add(entry: FunctionEntry, name: string, aliases: readonly string[] = []): this {
    for (const n of [name, ...aliases]) this.entries.set(n.toLowerCase(), entry);
    return this;
  }
}
