/**
 * Argument parsing shared by the commands: node's parseArgs, strict, with errors that say what to type.
 * A CliError is bad input: the CLI prints its message as one line and exits 1, no stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { redact, redactDeep } from '../../shared/redact';
import { errorMessage } from '../engine/errors';

export class CliError extends Error {
  override name = 'CliError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parse(argv: string[], options: Options, usage: string): ParsedArgs {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    const message = errorMessage(err).split('\n')[0];
    throw new CliError(`${message}\nusage: ${usage}`);
  }
}

/** A numeric flag: undefined when absent, a CliError naming the flag when not a number in range. */
export function numberFlag(
  value: string | boolean | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new CliError(`--${flag} must be a number from ${min} to ${max} (got "${String(value)}")`);
  }
  return n;
}

/**
 * Human text goes to stderr; stdout carries only the one JSON object (with --json) or the reply.
 * Both go through the one redaction path: a line may quote a spec or a provider's error.
 */
export const say = (line: string): void => {
  process.stderr.write(redact(line) + '\n');
};

/** Prints the command's one JSON object, last, on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(redactDeep(value)) + '\n');
}
